"""The advice report in Block Kit, drawn from the same `AdviceReport` as the terminal and Markdown.

A report can outgrow one message (five risks with lessons, unknowns, sources), so it is laid out as
one list of blocks and paginated; the buttons always sit at the very end.
"""

from __future__ import annotations

import re

from bot.advice.models import AdviceReport, DecisionStatus, RiskItem, StrengthItem, TeamHistory
from bot.advice.wording import (
    cited_lessons,
    history_lead,
    history_sentence,
    lesson_from,
    past_details,
    past_title,
    sector_title,
    shorten,
    why,
)
from bot.slack.blocks.common import (
    BlockDict,
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
from bot.slack.escape import escape_mrkdwn, quote
from bot.slack.ids import Action

DECISION_EMOJI = {
    DecisionStatus.go_ahead: ":large_green_circle:",
    DecisionStatus.go_ahead_with_adjustments: ":large_yellow_circle:",
    DecisionStatus.explore_further: ":large_blue_circle:",
    DecisionStatus.reconsider: ":red_circle:",
}
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")
LEVEL_EMOJI = {"serious": ":red_circle:", "notable": ":large_orange_circle:", "worth watching": ":white_circle:"}


def _risk_blocks(number: int, risk: RiskItem) -> list[BlockDict]:
    lines = [f"{LEVEL_EMOJI[risk.level]} *{number}. {escape_mrkdwn(risk.name)}* ({risk.level})",
             escape_mrkdwn(risk.summary)]
    lines += [f"*Why:* {escape_mrkdwn(why(evidence))}" for evidence in risk.evidence]
    blocks = sections("\n".join(lines))
    blocks += sections(f"*What to do*\n{bullets(escape_mrkdwn(a) for a in risk.what_to_do)}")
    if risk.lesson:
        lesson = risk.lesson
        blocks += sections(f"*Lesson: {escape_mrkdwn(lesson.title)}* ({escape_mrkdwn(lesson.label)})\n"
                           f"{escape_mrkdwn(lesson.what_happened)}\n_{escape_mrkdwn(lesson.lesson)}_")
    blocks.append(context("Sources: " + ", ".join(f"[{escape_mrkdwn(k)}]" for k in risk.sources)))
    return blocks


def _strength_blocks(number: int, strength: StrengthItem) -> list[BlockDict]:
    lines = [f":white_check_mark: *{number}. {escape_mrkdwn(strength.name)}*", escape_mrkdwn(strength.summary)]
    lines += [f"*Why:* {escape_mrkdwn(why(evidence))}" for evidence in strength.evidence]
    lines += ["*How to use it*", bullets(escape_mrkdwn(a) for a in strength.how_to_use)]
    return sections("\n".join(lines))


def _logged_by(user: str) -> str:
    """A Slack user id becomes a mention; a terminal user's name stays plain text."""
    return f"<@{user}>" if SLACK_USER.fullmatch(user) else escape_mrkdwn(user)


def history_blocks(history: TeamHistory) -> list[BlockDict]:
    """The team's own logged outcomes beside the advice: how similar ones went, and their lessons."""
    lines = [escape_mrkdwn(history_sentence(group)) for group in history.groups]
    lead = history_lead(history)
    if history.outcomes_logged == 0:
        lead += " `/partner-outcome` logs one."
    lines.append(f"*{escape_mrkdwn(lead)}*" if history.similar else escape_mrkdwn(lead))
    quoted = cited_lessons(history)
    for past in history.similar:
        line = f"• *{escape_mrkdwn(past_title(past))}*"
        if past.shared_factors:
            line += " " + escape_mrkdwn(past_details(past.model_copy(update={"logged_by": None})))
        if past.logged_by:
            line += f" Logged by {_logged_by(past.logged_by)}."
        if past.outcome_id in quoted:
            line += f"\n   _{escape_mrkdwn(lesson_from(past))}_"
        lines.append(line)
    return sections("\n".join(lines))


def report_blocks(report: AdviceReport, *, title: str = "Partnership advice") -> list[BlockDict]:
    blocks: list[BlockDict] = [header(title)]
    facts = []
    if report.stage:
        facts.append(f"*Stage:* {escape_mrkdwn(report.stage)}")
    if report.sectors:
        facts.append("*Sectors:* " + escape_mrkdwn(", ".join(report.sectors)))
    facts.append(f"{report.questions_answered} questions answered")
    blocks.append(context(" · ".join(facts)))
    if report.description:
        blocks += sections(quote(shorten(report.description, 600)))
    if not report.finished:
        blocks += sections("_The interview was not finished; this advice rests on the answers given so far._")

    decision = report.decision
    blocks += sections(
        f"{DECISION_EMOJI[decision.status]} *Suggested decision: {escape_mrkdwn(decision.label)}*\n"
        f"{escape_mrkdwn(decision.reason)}\n"
        f"*Confidence:* {decision.confidence} ({escape_mrkdwn(decision.confidence_reason)})."
    )
    blocks.append(context(f"_{escape_mrkdwn(decision.disclaimer)}_"))

    blocks += [divider(), header("Top risks")]
    if not report.risks:
        blocks += sections("No risks stood out from your answers.")
    for number, risk in enumerate(report.risks, start=1):
        blocks += _risk_blocks(number, risk)

    blocks += [divider(), header("Strengths to build on")]
    if not report.strengths:
        blocks += sections("None stood out yet.")
    for number, strength in enumerate(report.strengths, start=1):
        blocks += _strength_blocks(number, strength)

    if report.team_history is not None:
        blocks += [divider(), header("Your team's history"), *history_blocks(report.team_history)]

    if report.unknowns:
        blocks += [divider(), header("Still unknown: ask your partner")]
        lines = []
        for unknown in report.unknowns:
            lines.append(f"*{escape_mrkdwn(shorten(unknown.question, 140))}* ({unknown.status})")
            lines += [f"   • {escape_mrkdwn(q)}" for q in unknown.ask]
        blocks += sections("\n".join(lines))

    if report.sector_view:
        view = report.sector_view
        names = [f"{escape_mrkdwn(r.name)}{' (came up here)' if r.flagged else ''}" for r in view.risks]
        blocks += [divider()]
        blocks += sections(f"*Sector view: {escape_mrkdwn(sector_title(view))}*\n{escape_mrkdwn(view.note)}\n"
                           f"Risks that typically bite in this mix: {', '.join(names)}.")

    if report.sources:
        citations = "\n".join(f"[{escape_mrkdwn(c.key)}] {escape_mrkdwn(c.text)}" for c in report.sources)
        blocks += [divider()] + sections(f"*Sources*\n{citations}")
    return blocks


def report_messages(report: AdviceReport, *, interview_id: int | None, with_buttons: bool = True,
                    title: str = "Partnership advice", lead: str | None = None) -> list[Message]:
    """The report as one or more messages; with buttons to share it and log the outcome on the last."""
    blocks = report_blocks(report, title=title)
    if lead:
        blocks = sections(lead) + blocks
    if with_buttons and interview_id is not None:
        blocks += actions([
            button("Share to channel", Action.share_report, str(interview_id)),
            button("Log outcome", Action.log_outcome, str(interview_id), style="primary"),
        ])
    pages = paginate(blocks)
    summary = f"{title}: {report.decision.label}"
    return [
        Message(text=escape_mrkdwn(summary if len(pages) == 1 else f"{summary} (part {n} of {len(pages)})"),
                blocks=page)
        for n, page in enumerate(pages, start=1)
    ]
