"""The report as plain text for a terminal: short sections, wrapped to the width available."""

from __future__ import annotations

import textwrap

from bot.advice.models import AdviceReport, LessonNote, TeamHistory
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


class _Writer:
    def __init__(self, width: int, bold: bool) -> None:
        self.width = max(40, width)
        self.bold = bold
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        if self.lines:
            self.lines.append("")
        self.lines.append(f"\033[1m{text}\033[0m" if self.bold else text)
        self.lines.append("-" * min(len(text), self.width))

    def para(self, text: str, indent: int = 0, first: str | None = None) -> None:
        lead = " " * indent
        self.lines.extend(textwrap.wrap(
            text, width=self.width, initial_indent=first if first is not None else lead, subsequent_indent=lead,
            break_on_hyphens=False, break_long_words=False,
        ) or [lead.rstrip()])

    def bullet(self, text: str, indent: int = 0, mark: str = "-") -> None:
        self.para(text, indent + len(mark) + 1, first=" " * indent + mark + " ")

    def blank(self) -> None:
        self.lines.append("")


def _lesson(out: _Writer, lesson: LessonNote, indent: int) -> None:
    out.para(f"Lesson ({lesson.label}): {lesson.title}.", indent)
    out.para(lesson.what_happened, indent + 2)
    out.para(lesson.lesson, indent + 2)


def _history(out: _Writer, history: TeamHistory) -> None:
    out.heading("Your team's history")
    for group in history.groups:
        out.para(history_sentence(group))
    out.para(history_lead(history))
    if history.outcomes_logged == 0:
        out.para("Log one with: partnerbot outcomes log")
    quoted = cited_lessons(history)
    for past in history.similar:
        out.bullet(" ".join(part for part in (past_title(past) + ".", past_details(past)) if part))
        if past.outcome_id in quoted:
            out.para(lesson_from(past), 2)


def render_text(report: AdviceReport, width: int = 88, bold: bool = False) -> str:
    out = _Writer(width, bold)
    title = "Partnership advice"
    out.lines.append(f"\033[1m{title}\033[0m" if bold else title)
    out.lines.append("=" * len(title))
    facts = []
    if report.stage:
        facts.append(f"Stage: {report.stage}")
    if report.sectors:
        facts.append("Sectors: " + ", ".join(report.sectors))
    if facts:
        out.para(" · ".join(facts))
    if report.description:
        out.para(f"“{shorten(report.description, 300)}”")
    if not report.finished:
        out.para("(The interview was not finished; the advice rests on the answers given so far.)")

    decision = report.decision
    out.heading(f"Suggested decision: {decision.label}")
    out.para(decision.reason)
    out.para(f"Confidence: {decision.confidence} ({decision.confidence_reason}).")
    out.para(decision.disclaimer)

    out.heading("Top risks")
    if not report.risks:
        out.para("No risks stood out from your answers.")
    for number, risk in enumerate(report.risks, start=1):
        if number > 1:
            out.blank()
        out.para(f"{number}. {risk.name} ({risk.level})")
        out.para(risk.summary, 3)
        for evidence in risk.evidence:
            out.bullet("Why: " + why(evidence), 3)
        out.para("What to do:", 3)
        for action in risk.what_to_do:
            out.bullet(action, 5)
        if risk.lesson:
            _lesson(out, risk.lesson, 3)
        out.para("Sources: " + ", ".join(risk.sources), 3)

    out.heading("Strengths to build on")
    if not report.strengths:
        out.para("None stood out yet; the answers above show where to build them.")
    for number, strength in enumerate(report.strengths, start=1):
        if number > 1:
            out.blank()
        out.para(f"{number}. {strength.name}")
        for evidence in strength.evidence:
            out.bullet("Why: " + why(evidence), 3)
        out.para("How to use it:", 3)
        for action in strength.how_to_use:
            out.bullet(action, 5)

    if report.team_history is not None:
        _history(out, report.team_history)

    if report.unknowns:
        out.heading("Still unknown: questions to ask the partner")
        for unknown in report.unknowns:
            out.bullet(f"{shorten(unknown.question, 100)} ({unknown.status})")
            for question in unknown.ask:
                out.bullet(question, 2, mark="?")

    if report.sector_view:
        view = report.sector_view
        out.heading(f"Sector view: {sector_title(view)}")
        out.para(view.note)
        names = [f"{r.name}{' (came up here)' if r.flagged else ''}" for r in view.risks]
        out.para("Risks that typically bite in this mix: " + ", ".join(names) + ".")

    out.heading("Sources")
    for citation in report.sources:
        out.bullet(f"[{citation.key}] {citation.text}")
    return "\n".join(out.lines) + "\n"
