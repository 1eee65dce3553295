"""Build the advice report from an interview's state: risks, strengths, unknowns, a decision status,
the sector view and sources. Pure: the same state and knowledge give the same report.
"""

from __future__ import annotations

from bot.advice.decision import suggest
from bot.advice.models import (
    AdviceReport,
    Citation,
    Evidence,
    LessonNote,
    RiskItem,
    SectorRisk,
    SectorView,
    StrengthItem,
    UnknownItem,
)
from bot.advice.scoring import FactorScore, ranked, score_factors
from bot.interview.flow import InterviewFlow, load_flow
from bot.interview.signals import Signal, collect_signals
from bot.interview.state import AnswerStatus, InterviewState
from bot.kb.loader import KnowledgeBase
from bot.kb.models import Factor, FactorKind, Lesson

MAX_RISKS = 5
MAX_STRENGTHS = 3
MAX_ACTIONS = 3
MAX_EVIDENCE = 3
STUDY_SOURCE = "zwisler2024"
_STATUS_WORDS = {
    AnswerStatus.dont_know: "don't know",
    AnswerStatus.skipped: "skipped",
    AnswerStatus.not_asked: "not asked",
}


def _evidence(signals: list[Signal]) -> list[Evidence]:
    seen: set[tuple[str, str]] = set()
    out: list[Evidence] = []
    for signal in signals:
        key = (signal.question_id, signal.quote)
        if key in seen:
            continue
        seen.add(key)
        out.append(Evidence(question_id=signal.question_id, question=signal.question, answer=signal.quote,
                            source=signal.source))
        if len(out) == MAX_EVIDENCE:
            break
    return out


def _level(score: float, flow: InterviewFlow) -> str:
    if score >= flow.decision.serious:
        return "serious"
    if score >= flow.decision.notable:
        return "notable"
    return "worth watching"


def pick_lesson(kb: KnowledgeBase, factor_id: str, sectors: list[str], used: set[str]) -> Lesson | None:
    """The lesson closest to this partnership's sectors, preferring one not already shown."""
    candidates = kb.lessons_for(factor_id)
    if not candidates:
        return None
    wanted = set(sectors)

    def rank(item: tuple[int, Lesson]) -> tuple[int, int, int]:
        position, lesson = item
        overlap = len(wanted.intersection(lesson.sectors))
        return (lesson.id in used, -overlap, position)

    return min(enumerate(candidates), key=rank)[1]


def _lesson_note(lesson: Lesson | None) -> LessonNote | None:
    if lesson is None:
        return None
    return LessonNote(id=lesson.id, title=lesson.title, what_happened=lesson.what_happened, lesson=lesson.lesson)


def _risk(item: FactorScore, factor: Factor, lesson: Lesson | None, flow: InterviewFlow) -> RiskItem:
    return RiskItem(
        id=factor.id, name=factor.name, summary=factor.summary, score=item.score,
        level=_level(item.score, flow), evidence=_evidence(item.signals),
        what_to_do=list(factor.what_to_do[:MAX_ACTIONS]), lesson=_lesson_note(lesson), sources=list(factor.sources),
    )


def _strength(item: FactorScore, factor: Factor) -> StrengthItem:
    return StrengthItem(
        id=factor.id, name=factor.name, summary=factor.summary, score=item.score,
        evidence=_evidence(item.signals), how_to_use=list(factor.what_to_do[:MAX_ACTIONS]),
    )


def _unknowns(state: InterviewState, flow: InterviewFlow, kb: KnowledgeBase) -> tuple[list[UnknownItem], int]:
    """Every open probe becomes questions to ask; also returns how many probing questions were reached."""
    items: list[UnknownItem] = []
    reached = 0
    asked_before: dict[str, int] = {}
    for question in flow.questions:
        answer = state.answers.get(question.id)
        if answer is None or not question.probes:
            continue
        reached += 1
        if not answer.is_unknown:
            continue
        probed = [kb.factors[f] for f in question.probes if f in kb.factors]
        risks_first = [f for f in probed if f.kind is FactorKind.negative] or probed
        ask: list[str] = []
        for factor in risks_first[:3]:
            index = asked_before.get(factor.id, 0)
            if index < len(factor.probing_questions):
                ask.append(factor.probing_questions[index])
                asked_before[factor.id] = index + 1
        items.append(UnknownItem(
            question_id=question.id, question=question.text, status=_STATUS_WORDS[answer.status],
            factors=[f.id for f in probed], ask=ask,
        ))
    return items, reached


def sector_view(kb: KnowledgeBase, sectors: list[str], flagged: set[str]) -> SectorView | None:
    """The knowledge base's note for this exact mix of sectors, or the closest mix it has."""
    if not sectors or not kb.sector_mixes:
        return None
    wanted = set(sectors)
    exact = [m for m in kb.sector_mixes if set(m.sectors) == wanted]
    if exact:
        mix = exact[0]
    else:
        overlapping = [m for m in kb.sector_mixes if wanted.intersection(m.sectors)]
        if not overlapping:
            return None
        mix = max(overlapping, key=lambda m: (len(wanted.intersection(m.sectors)), -len(m.sectors)))
    return SectorView(
        sectors=[str(s) for s in mix.sectors], note=mix.note,
        risks=[SectorRisk(id=f, name=kb.factors[f].name, flagged=f in flagged) for f in mix.factors if f in kb.factors],
    )


def _citations(kb: KnowledgeBase, keys: list[str]) -> list[Citation]:
    out = []
    for source in kb.citations(keys):
        url = f"https://doi.org/{source.doi}" if source.doi else source.url
        out.append(Citation(key=source.key, text=source.citation(), url=url))
    return out


def build_report(state: InterviewState, kb: KnowledgeBase, flow: InterviewFlow | None = None) -> AdviceReport:
    flow = flow or load_flow(kb)
    sectors = state.values(flow.sectors_question) if flow.sectors_question else []
    stage_values = state.values(flow.stage_question) if flow.stage_question else []

    scores = score_factors(collect_signals(state, flow, kb), kb, flow.min_signal)
    used_lessons: set[str] = set()
    all_risks: list[RiskItem] = []
    for item in ranked(scores, FactorKind.negative, kb):
        lesson = pick_lesson(kb, item.factor_id, sectors, used_lessons) if len(all_risks) < MAX_RISKS else None
        if lesson is not None:
            used_lessons.add(lesson.id)
        all_risks.append(_risk(item, kb.factors[item.factor_id], lesson, flow))
    strengths = [_strength(item, kb.factors[item.factor_id]) for item in ranked(scores, FactorKind.success, kb)]

    unknowns, reached = _unknowns(state, flow, kb)
    open_topics = [flow.question(u.question_id).short for u in unknowns]
    decision = suggest(flow.decision, all_risks, strengths[:MAX_STRENGTHS], open_topics, reached)

    risks = all_risks[:MAX_RISKS]
    strengths = strengths[:MAX_STRENGTHS]
    keys = [STUDY_SOURCE] + [k for r in risks for k in r.sources]
    keys += [k for s in strengths for k in kb.factors[s.id].sources]
    answered = sum(1 for a in state.answers.values() if a.status in (AnswerStatus.answered, AnswerStatus.confirmed))
    return AdviceReport(
        description=state.text_of(flow.seed_question),
        stage=stage_values[0] if stage_values else None,
        sectors=sectors,
        risks=risks,
        strengths=strengths,
        unknowns=unknowns,
        decision=decision,
        sector_view=sector_view(kb, sectors, {r.id for r in all_risks}),
        sources=_citations(kb, keys),
        questions_answered=answered,
        questions_open=len(unknowns),
        finished=not any(a.status is AnswerStatus.not_asked for a in state.answers.values())
        and all(q.id in state.answers for q in flow.questions if q.applies(state.values)),
    )

