"""The report as Markdown, for pasting into a briefing note or a shared document."""

from __future__ import annotations

from bot.advice.models import AdviceReport, TeamHistory
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


def _escape(text: str) -> str:
    """Keep a person's own words from turning into Markdown structure."""
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _history(history: TeamHistory) -> list[str]:
    lines = ["## Your team's history", ""]
    for group in history.groups:
        lines += [_escape(history_sentence(group)), ""]
    lines += [_escape(history_lead(history)), ""]
    quoted = cited_lessons(history)
    for past in history.similar:
        details = past_details(past)
        lines.append(f"- **{_escape(past_title(past))}**" + (f" {_escape(details)}" if details else ""))
        if past.outcome_id in quoted:
            lines.append(f"  _{_escape(lesson_from(past))}_")
    if history.similar:
        lines.append("")
    return lines


def render_markdown(report: AdviceReport) -> str:
    lines: list[str] = ["# Partnership advice", ""]
    facts = []
    if report.stage:
        facts.append(f"**Stage:** {report.stage}")
    if report.sectors:
        facts.append("**Sectors:** " + ", ".join(report.sectors))
    if facts:
        lines += [" · ".join(facts), ""]
    if report.description:
        lines += [f"> {_escape(shorten(report.description, 600))}", ""]
    if not report.finished:
        lines += ["_The interview was not finished; the advice rests on the answers given so far._", ""]

    decision = report.decision
    lines += [
        f"## Suggested decision: {decision.label}", "",
        decision.reason, "",
        f"**Confidence:** {decision.confidence} ({decision.confidence_reason}).", "",
        f"_{decision.disclaimer}_", "",
        "## Top risks", "",
    ]
    if not report.risks:
        lines += ["No risks stood out from your answers.", ""]
    for number, risk in enumerate(report.risks, start=1):
        lines += [f"### {number}. {risk.name} ({risk.level})", "", risk.summary, ""]
        lines += [f"- **Why:** {_escape(why(e))}" for e in risk.evidence]
        lines += ["", "**What to do**", ""]
        lines += [f"- {action}" for action in risk.what_to_do]
        if risk.lesson:
            lesson = risk.lesson
            lines += ["", f"**Lesson ({lesson.label}): {lesson.title}.** {lesson.what_happened}", "",
                      f"_{lesson.lesson}_"]
        lines += ["", "Sources: " + ", ".join(f"[{k}]" for k in risk.sources), ""]

    lines += ["## Strengths to build on", ""]
    if not report.strengths:
        lines += ["None stood out yet.", ""]
    for number, strength in enumerate(report.strengths, start=1):
        lines += [f"### {number}. {strength.name}", ""]
        lines += [f"- **Why:** {_escape(why(e))}" for e in strength.evidence]
        lines += ["", "**How to use it**", ""]
        lines += [f"- {action}" for action in strength.how_to_use]
        lines += [""]

    if report.team_history is not None:
        lines += _history(report.team_history)

    if report.unknowns:
        lines += ["## Still unknown: questions to ask the partner", ""]
        for unknown in report.unknowns:
            lines.append(f"- **{shorten(unknown.question, 120)}** ({unknown.status})")
            lines += [f"  - {question}" for question in unknown.ask]
        lines.append("")

    if report.sector_view:
        view = report.sector_view
        names = [f"{r.name}{' (came up here)' if r.flagged else ''}" for r in view.risks]
        lines += [f"## Sector view: {sector_title(view)}", "", view.note, "",
                  "Risks that typically bite in this mix: " + ", ".join(names) + ".", ""]

    lines += ["## Sources", ""]
    for citation in report.sources:
        lines.append(f"- [{citation.key}] {citation.text}")
    return "\n".join(lines).rstrip() + "\n"
