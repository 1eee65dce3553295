"""Asking for an outcome one question at a time in the terminal, re-asking only what was wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.kb.loader import KnowledgeBase
from bot.kb.models import PartnershipStatus, Region, Sector
from bot.outcomes.models import OutcomeInputError
from bot.outcomes.service import OutcomeService

Ask = Callable[[str], str]
Say = Callable[[str], None]

QUESTIONS: dict[str, str] = {
    "name": "Partnership name",
    "partners": "Partner organisations, separated by ';' (optional)",
    "sectors": f"Partner sectors ({', '.join(s.value for s in Sector)}; several allowed)",
    "region": f"Region ({', '.join(r.value for r in Region)})",
    "status": f"Status ({', '.join(s.value for s in PartnershipStatus)})",
    "factors": "Factors that mattered (ids or a few words each, comma-separated; empty for none)",
    "lesson": "Lesson learned (several lines allowed; finish with an empty line)",
    "anonymous": "Hide your name from everyone else? (y/n)",
}


def ask_outcome(
    service: OutcomeService,
    kb: KnowledgeBase,
    given: dict[str, Any],
    *,
    defaults: dict[str, Any] | None = None,
    ask: Ask = input,
    say: Say = print,
) -> dict[str, Any]:
    """Answers for every field not already given; loops until the whole outcome validates."""
    defaults = defaults or {}
    values = dict(given)
    pending = [field for field in QUESTIONS if field not in given]
    while True:
        for field in pending:
            values[field] = _ask_field(field, defaults.get(field), kb, ask, say)
        try:
            service.validate({**defaults, **values})
            return values
        except OutcomeInputError as exc:
            for field, message in exc.problems:
                say(f"  {field}: {message}")
            pending = [field for field in exc.fields if field in QUESTIONS]
            if not pending:
                raise


def _ask_field(field: str, default: Any, kb: KnowledgeBase, ask: Ask, say: Say) -> Any:
    shown = _display(default)
    prompt = f"{QUESTIONS[field]}{f' [{shown}]' if shown else ''}: "
    if field == "lesson":
        return _ask_lines(prompt, default, ask)
    answer = ask(prompt).strip()
    if not answer:
        return default if default is not None else ("" if field not in {"anonymous"} else False)
    if field == "anonymous":
        return answer.lower() in {"y", "yes", "true", "1"}
    if field == "factors":
        return _resolve_factors(answer, kb, say)
    return answer


def _ask_lines(prompt: str, default: Any, ask: Ask) -> str:
    lines: list[str] = []
    line = ask(prompt)
    while line.strip():
        lines.append(line)
        line = ask("  ... ")
    return "\n".join(lines) if lines else (default or "")


def _resolve_factors(answer: str, kb: KnowledgeBase, say: Say) -> list[str]:
    """Ids pass straight through; words are looked up, and a clear match is taken (and said)."""
    from bot.kb.lookup import lookup_factor

    chosen: list[str] = []
    for item in (part.strip() for part in answer.replace(";", ",").split(",")):
        if not item:
            continue
        if item.lower() in kb.factors:
            chosen.append(item.lower())
            continue
        result = lookup_factor(item, kb)
        if result.status == "found" and result.factor is not None:
            say(f"  '{item}' -> {result.factor.id} ({result.factor.name})")
            chosen.append(result.factor.id)
        else:
            say(f"  {result.message}")
            for candidate in result.candidates[:4]:
                say(f"    {candidate.id:<32} {candidate.name}")
            chosen.append(item)
    return chosen


def _display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else ""
    text = str(value).replace("\n", " / ")
    return text if len(text) <= 50 else text[:47] + "..."
