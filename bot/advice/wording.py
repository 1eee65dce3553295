"""Sentences shared by every renderer, so the terminal, Markdown and Slack say the same thing."""

from __future__ import annotations

from bot.advice.decision import in_sentence
from bot.advice.models import Evidence, HistoryGroup, PastPartnership, SectorView, TeamHistory


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;.") + "…"


def why(evidence: Evidence) -> str:
    """Why a factor came up, quoting the person's own answer."""
    if evidence.source == "answer":
        return f"You answered “{evidence.answer}” to “{shorten(evidence.question, 90)}”"
    if evidence.source == "confirmed":
        return f"You wrote “{shorten(evidence.answer, 160)}” and confirmed it"
    return f"You wrote: “{shorten(evidence.answer, 160)}”"


def sector_title(view: SectorView) -> str:
    return " + ".join(view.sectors)


# -- the team's history -------------------------------------------------------------------------

LESSONS_CITED = 2  # "one or two lessons": more would crowd out the advice itself
SECTOR_PARTNER = {"nonprofit": "a nonprofit partner", "industry": "an industry partner",
                  "government": "a government partner"}
STATUS_WORDS = {"successful": "successful", "struggling": "struggling", "failed": "failed",
                "potential-unexplored": "never explored", "potential-undeveloped": "explored, never developed",
                "ongoing": "ongoing"}


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def history_sentence(group: HistoryGroup) -> str:
    """'Your team logged 3 partnerships with a government partner where bureaucracy mattered: 2
    struggled or failed and 1 was successful.' Counts only: a handful of cases is not a rate."""
    one = group.total == 1
    who = f" with {SECTOR_PARTNER.get(group.sector, group.sector)}" if group.sector else ""
    head = (f"Your team logged {group.total} partnership{'' if one else 's'}{who} where "
            f"{in_sentence(group.factor_name)} mattered")
    parts = []
    if group.struggling_or_failed:
        parts.append("it struggled or failed" if one else f"{group.struggling_or_failed} struggled or failed")
    if group.successful:
        n = group.successful
        parts.append("it was successful" if one else f"{n} {'was' if n == 1 else 'were'} successful")
    if group.ongoing:
        n = group.ongoing
        parts.append("it is still going" if one else f"{n} {'is' if n == 1 else 'are'} still going")
    if group.never_started:
        parts.append("it never got going" if one else f"{group.never_started} never got going")
    return f"{head}: {_and(parts)}." if parts else f"{head}."


def past_title(past: PastPartnership) -> str:
    return f"‘{past.name}’ ({past.year}, {STATUS_WORDS.get(past.status, past.status)})"


def past_details(past: PastPartnership) -> str:
    details = []
    if past.shared_factors:
        details.append("Also flagged here: " + "; ".join(in_sentence(name) for name in past.shared_factors) + ".")
    if past.logged_by:
        details.append(f"Logged by {past.logged_by}.")
    return " ".join(details)


def lesson_from(past: PastPartnership, limit: int = 400) -> str:
    return f"Lesson from ‘{past.name}’ ({past.year}): {shorten(past.lesson, limit)}"


def history_lead(history: TeamHistory) -> str:
    """The line before the similar partnerships, or what to say when there are none."""
    if history.outcomes_logged == 0:
        return ("Your team has not logged how any partnership turned out yet. Once it does, advice like "
                "this sets your own history beside it.")
    logged = f"{history.outcomes_logged} outcome{'s' if history.outcomes_logged != 1 else ''} your team logged"
    if not history.similar:
        return f"None of the {logged} is much like this partnership yet."
    return f"Most like this one, of the {logged}:"


def cited_lessons(history: TeamHistory) -> set[int]:
    """Which of the similar partnerships get their lesson quoted (the first ones that have one)."""
    with_lessons = [past.outcome_id for past in history.similar if past.lesson.strip()]
    return set(with_lessons[:LESSONS_CITED])
