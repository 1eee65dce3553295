"""Sentences shared by every renderer, so the terminal, Markdown and Slack say the same thing."""

from __future__ import annotations

from bot.advice.models import Evidence, SectorView


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
