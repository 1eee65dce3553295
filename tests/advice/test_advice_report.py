"""How the report weighs evidence, settles contradictions, suggests a decision and renders."""

from __future__ import annotations

import json

import pytest

from bot.advice import AdviceReport, DecisionStatus, build_report, render
from bot.advice.decision import suggest
from bot.advice.models import RiskItem
from bot.advice.scoring import combine, opposites, score_factors
from bot.interview import InterviewEngine
from bot.interview.flow import DecisionRules
from bot.interview.scripted import AnswerScript, run_script
from bot.interview.signals import Signal
from bot.kb.models import FactorKind
from bot.matching.models import FactorHit, MatchResult


def _signal(kb, factor_id: str, weight: float, source: str = "answer") -> Signal:
    return Signal(factor_id=factor_id, kind=kb.factors[factor_id].kind, weight=weight, question_id="q",
                  question="Q?", quote="A", source=source)


def test_independent_evidence_adds_up_but_never_passes_one():
    assert combine([0.5]) == 0.5
    assert combine([0.5, 0.5]) == 0.75
    assert combine([1.0, 0.3]) == 1.0
    assert combine([]) == 0.0


def test_opposites_follow_the_complements_both_ways(kb):
    assert "senior-support" in opposites(kb, "lack-of-leadership-buy-in")
    assert {"mutual-trust-and-respect", "conflict-resolution"} <= opposites(kb, "lack-of-trust")
    assert all(kb.factors[f].kind is FactorKind.negative for f in opposites(kb, "shared-vision"))


def test_a_strength_contradicted_by_an_equal_risk_is_not_offered(kb):
    scores = score_factors([_signal(kb, "senior-support", 0.6), _signal(kb, "lack-of-leadership-buy-in", 0.7)], kb, 0.3)
    assert "lack-of-leadership-buy-in" in scores and "senior-support" not in scores


def test_a_risk_read_from_free_text_gives_way_to_a_clear_answer_saying_the_opposite(kb):
    text_only = [_signal(kb, "unclear-roles", 0.45, "free text"), _signal(kb, "clear-roles-and-agreements", 0.8)]
    assert "unclear-roles" not in score_factors(text_only, kb, 0.3)
    chosen = [_signal(kb, "unclear-roles", 0.45), _signal(kb, "clear-roles-and-agreements", 0.8)]
    assert "unclear-roles" in score_factors(chosen, kb, 0.3)


def test_weak_evidence_is_left_out(kb):
    assert score_factors([_signal(kb, "culture-clash", 0.2)], kb, 0.3) == {}


def _risk(factor_id: str, score: float) -> RiskItem:
    return RiskItem(id=factor_id, name=factor_id.replace("-", " ").capitalize(), summary="s", score=score,
                    level="serious", evidence=[], what_to_do=["a"], sources=["tpi"])


RULES = DecisionRules(fundamental=["misaligned-goals", "lack-of-trust"], explore_when=["unknown-partners"])


@pytest.mark.parametrize(
    ("risks", "open_count", "expected"),
    [
        ([], 0, DecisionStatus.go_ahead),
        ([_risk("culture-clash", 0.35)], 1, DecisionStatus.go_ahead),
        ([_risk("culture-clash", 0.5)], 0, DecisionStatus.go_ahead_with_adjustments),
        ([_risk("misaligned-goals", 0.9), _risk("bureaucracy", 0.8), _risk("culture-clash", 0.7)], 0,
         DecisionStatus.reconsider),
        ([_risk("bureaucracy", 0.9), _risk("culture-clash", 0.8), _risk("limited-capacity", 0.7)], 0,
         DecisionStatus.go_ahead_with_adjustments),
        ([_risk(f, 0.8) for f in ("bureaucracy", "culture-clash", "limited-capacity", "unclear-roles")], 0,
         DecisionStatus.reconsider),
        ([_risk("culture-clash", 0.5)], 5, DecisionStatus.explore_further),
        ([_risk("unknown-partners", 0.9)], 0, DecisionStatus.explore_further),
    ],
)
def test_decision_rules(risks, open_count, expected):
    decision = suggest(RULES, risks, [], ["funding"] * open_count, 12)
    assert decision.status is expected
    assert decision.label == expected.label
    assert decision.reason


@pytest.mark.parametrize(("open_count", "level"), [(0, "high"), (1, "high"), (3, "medium"), (6, "low")])
def test_confidence_falls_as_more_is_unknown(open_count, level):
    decision = suggest(RULES, [], [], ["x"] * open_count, 12)
    assert decision.confidence == level
    assert (f"{open_count} of 12" in decision.confidence_reason) or open_count == 0


def test_too_few_answers_means_low_confidence():
    assert suggest(RULES, [], [], [], 2).confidence == "low"


@pytest.fixture()
def report(kb, flow) -> AdviceReport:
    script = AnswerScript(
        description="A hospital and a *medtech* company <script> | want to pilot remote monitoring.",
        answers={"stage": "negotiating", "sectors": ["government", "industry"], "history": "went-badly",
                 "goals": "strongly-disagree", "benefits": "disagree", "funding": "none-yet", "leadership": "neither",
                 "people": "changing", "governance": "disputed", "data": "blocked", "commercial": "concern",
                 "government": ["slow-approvals", "election"], "stakeholders": "not-involved",
                 "measures": "not-discussed", "working": ["tight-timeline", "rare-contact"]},
    )
    state, _ = run_script(InterviewEngine(flow, kb), script)
    return build_report(state, kb, flow)


def test_many_risks_are_cut_to_the_five_most_pressing(report):
    assert len(report.risks) == 5
    assert all(r.level == "serious" for r in report.risks)
    assert report.decision.status is DecisionStatus.reconsider
    assert report.strengths == []


def test_the_text_report_has_every_section(report):
    text = render(report, "text", width=80)
    for heading in ("Partnership advice", "Suggested decision: Reconsider", "Top risks", "Strengths to build on",
                    "Sector view: industry + government", "Sources"):
        assert heading in text
    assert "Lesson (Illustrative composite)" in text
    assert "not a verdict" in text
    assert "\033[" not in text
    assert max(len(line) for line in text.splitlines() if "http" not in line) <= 80


def test_bold_text_is_only_used_when_asked(report):
    assert "\033[1m" in render(report, "text", bold=True)


def test_the_markdown_report_escapes_the_persons_own_words(report):
    markdown = render(report, "md")
    assert markdown.startswith("# Partnership advice")
    assert "## Suggested decision: Reconsider" in markdown
    assert "\\*medtech\\*" in markdown and "\\<script\\>" in markdown and "\\|" in markdown
    assert "**Lesson (Illustrative composite):" in markdown


def test_the_json_report_is_the_model_and_reads_back(report):
    data = json.loads(render(report, "json"))
    assert data["decision"]["status"] == "reconsider"
    assert AdviceReport.model_validate(data) == report


def test_an_unfinished_interview_says_so(kb, flow):
    engine = InterviewEngine(flow, kb)
    state = engine.start("A partnership with a local council.")
    state = engine.answer(state, "idea").state
    partial = build_report(state, kb, flow)
    assert not partial.finished
    assert "not finished" in render(partial, "text")
    finished_early = build_report(engine.finish(state).state, kb, flow)
    assert not finished_early.finished
    assert {u.status for u in finished_early.unknowns} == {"not asked"}
    assert finished_early.decision.status is DecisionStatus.explore_further


def test_the_report_rests_on_the_stored_matches_not_a_new_reading(kb, flow):
    def matcher(text: str, sectors: list[str]) -> MatchResult:
        hit = FactorHit(id="excluded-stakeholders", kind=FactorKind.negative, score=0.9, evidence="no patients", start=0, end=3)
        return MatchResult(risks=[hit])

    engine = InterviewEngine(flow, kb, matcher=matcher)
    state = engine.start("We never asked any patients what they think.")
    report = build_report(engine.resume(state.model_dump_json()), kb, flow)
    risk = next(r for r in report.risks if r.id == "excluded-stakeholders")
    assert risk.evidence[0].source == "free text" and risk.evidence[0].answer == "no patients"
    assert risk.score == pytest.approx(0.9 * flow.text_weight)


def test_advice_hits_for_storage_list_risks_then_strengths(report):
    hits = report.factor_hits()
    assert [h["id"] for h in hits] == [r.id for r in report.risks] + [s.id for s in report.strengths]
    assert {h["kind"] for h in hits} <= {"negative", "success"}
