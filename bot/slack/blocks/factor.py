"""The `/factor` replies: a factor card, its lessons, a choice among candidates, a helpful miss."""

from __future__ import annotations

from bot.kb.loader import KnowledgeBase
from bot.kb.lookup import Candidate, FactorCard
from bot.kb.models import Factor, FactorKind, Lesson
from bot.outcomes.evidence import FactorEvidence
from bot.slack.blocks.common import (
    Message,
    actions,
    bullets,
    button,
    context,
    divider,
    header,
    paginate,
    sections,
)
from bot.slack.escape import escape_mrkdwn
from bot.slack.ids import Action, indexed

KIND_LABEL = {FactorKind.negative: ":warning: Risk", FactorKind.success: ":white_check_mark: Strength"}


def kind_label(factor: Factor) -> str:
    return KIND_LABEL[factor.kind]


def evidence_blocks(evidence: FactorEvidence) -> list[dict]:
    """What the team's own logs say about the factor (small numbers as counts, never percentages)."""
    return sections("*Your team's evidence*\n" + bullets(escape_mrkdwn(s) for s in evidence.sentences()))


def factor_card(card: FactorCard, evidence: FactorEvidence | None = None) -> Message:
    factor = card.factor
    blocks = [
        header(factor.name),
        context(f"{kind_label(factor)} · {escape_mrkdwn(factor.category)} · `{factor.id}`"),
        *sections(escape_mrkdwn(factor.summary)),
        *sections(f"*Warning signs*\n{bullets(escape_mrkdwn(s) for s in factor.warning_signs)}"),
        *sections(f"*What to do*\n{bullets(escape_mrkdwn(s) for s in factor.what_to_do)}"),
        *sections(f"*Questions to ask*\n{bullets(escape_mrkdwn(s) for s in factor.probing_questions)}"),
    ]
    if evidence is not None:
        blocks += evidence_blocks(evidence)
    if card.sources:
        blocks.append(context("Sources: " + "; ".join(escape_mrkdwn(s.citation()) for s in card.sources)))
    buttons = [button(f"Lessons ({len(card.lessons)})", Action.factor_lessons, factor.id, style="primary")]
    if card.complement is not None:
        opposite = "Opposite strength" if factor.kind is FactorKind.negative else "Opposite risk"
        buttons.append(button(f"{opposite}: {card.complement.name}", Action.factor_choose, card.complement.id))
    blocks.extend(actions(buttons))
    return Message(text=escape_mrkdwn(f"{factor.name}: {factor.summary}"), blocks=blocks)


def lesson_blocks(lesson: Lesson, kb: KnowledgeBase) -> list[dict]:
    names = ", ".join(kb.factors[f].name for f in lesson.factors if f in kb.factors)
    sectors = ", ".join(s.value for s in lesson.sectors)
    return [
        *sections(f"*{escape_mrkdwn(lesson.title)}*\n{escape_mrkdwn(lesson.what_happened)}"),
        *sections(f"*Lesson:* {escape_mrkdwn(lesson.lesson)}"),
        context(f"Factors: {escape_mrkdwn(names)} · Sectors: {sectors} · {lesson.status.value}",
                "_An illustrative composite, not a real case._"),
    ]


def lessons_messages(factor: Factor, lessons: list[Lesson], kb: KnowledgeBase) -> list[Message]:
    """All lessons for a factor; several messages if they do not fit in one."""
    if not lessons:
        return [Message(text=escape_mrkdwn(f"No lessons yet for {factor.name}."),
                        blocks=sections(f"No lessons yet for *{escape_mrkdwn(factor.name)}*."))]
    blocks = [header(f"Lessons: {factor.name}")]
    for index, lesson in enumerate(lessons):
        if index:
            blocks.append(divider())
        blocks.extend(lesson_blocks(lesson, kb))
    pages = paginate(blocks)
    return [
        Message(text=escape_mrkdwn(f"Lessons for {factor.name}") + (f" ({n} of {len(pages)})" if len(pages) > 1 else ""),
                blocks=page)
        for n, page in enumerate(pages, start=1)
    ]


def choose_factor(message: str, candidates: list[Candidate], kb: KnowledgeBase) -> Message:
    lines = []
    for candidate in candidates:
        factor = kb.factors[candidate.id]
        lines.append(f"*{escape_mrkdwn(factor.name)}* ({kind_label(factor)}): {escape_mrkdwn(factor.summary)}")
    blocks = [
        *sections(escape_mrkdwn(message)),
        *sections("\n".join(lines)),
        *actions(button(c.name, indexed(Action.factor_choose, n), c.id) for n, c in enumerate(candidates)),
    ]
    return Message(text=escape_mrkdwn(message), blocks=blocks)


def no_factor(message: str, kb: KnowledgeBase) -> Message:
    """A miss still teaches something: the factors there are, so the next try can succeed."""
    risks = ", ".join(escape_mrkdwn(f.name) for f in sorted(kb.negatives, key=lambda f: f.name))
    strengths = ", ".join(escape_mrkdwn(f.name) for f in sorted(kb.successes, key=lambda f: f.name))
    blocks = [
        *sections(escape_mrkdwn(message)),
        *sections(f"*Risks I know about:* {risks}"),
        *sections(f"*Strengths I know about:* {strengths}"),
        context("Try `/factor trust`, `/factor funding` or a phrase such as `/factor nobody owns the budget`."),
    ]
    return Message(text=escape_mrkdwn(message), blocks=blocks)
