"""`partnerbot factor QUERY`: look a factor up and print its card."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from bot.cli import CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "factor", help="look up a factor (id, name, synonym or phrase; typos welcome)",
        description="Look up a factor and print what it means, its warning signs, what to do and a lesson.",
    )
    parser.add_argument("query", nargs="+", help="what to look up, e.g. trust, IP, burocracy, 'our champion left'")
    parser.add_argument("--list", action="store_true", help="list every factor instead")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.kb.lookup import factor_card, lookup_factor
    from bot.settings import get_settings
    from bot.kb.loader import get_knowledge

    kb = get_knowledge(get_settings().knowledge_dir)
    result = lookup_factor(" ".join(args.query), kb)
    if result.status == "found" and result.factor is not None:
        print(render_card(factor_card(result.factor, kb)))
        evidence = team_evidence_for(result.factor.id, kb)
        if evidence:
            print("\n" + evidence)
        return 0
    if result.status == "ambiguous":
        print(result.message)
        for candidate in result.candidates:
            print(f"  partnerbot factor {candidate.id:<32} {candidate.name} ({candidate.kind})")
        return 0
    raise CliError(result.message, exit_code=1)


def team_evidence_for(factor_id: str, kb) -> str | None:  # type: ignore[no-untyped-def]
    """What the team's own logs say about the factor; None where there is no database yet. A database
    that cannot be read is one line on stderr: the card itself never depends on it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.outcomes.evidence import factor_evidence
    from bot.settings import get_settings
    from bot.storage import StorageError, open_database

    settings = get_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).expanduser().is_file()):
        return None  # nothing logged on this machine yet; do not create the file just to look
    try:
        db = open_database(settings.database_url, migrate=False)
        try:
            if db.current_revision() is None:
                return None
            evidence = factor_evidence(db, kb, settings.team_id, factor_id)
        finally:
            db.dispose()
    except (StorageError, SQLAlchemyError) as exc:
        print(f"partnerbot: note: your team's evidence is not shown: {str(exc).splitlines()[0]}", file=sys.stderr)
        return None
    return "\n".join([f"Your team's evidence (team {settings.team_id}):", _bullets(evidence.sentences())])


def _bullets(items: list[str], width: int = 88) -> str:
    return "\n".join(textwrap.fill(item, width, initial_indent="  - ", subsequent_indent="    ") for item in items)


def render_card(card) -> str:  # type: ignore[no-untyped-def]
    """Plain-text factor card for the terminal."""
    factor = card.factor
    kind = "Risk" if factor.kind.value == "negative" else "Strength"
    lines = [
        f"{factor.name}  [{factor.id}, {kind.lower()}, {factor.category}]",
        "",
        textwrap.fill(factor.summary, 88),
        "",
        textwrap.fill(factor.description, 88),
        "",
        "Warning signs:" if kind == "Risk" else "Signs it is present:",
        _bullets(factor.warning_signs),
        "",
        "What to do:",
        _bullets(factor.what_to_do),
        "",
        "Questions to ask:",
        _bullets(factor.probing_questions),
    ]
    if card.lessons:
        lesson = card.lessons[0]
        lines += [
            "",
            f"Lesson (illustrative composite, not a real case): {lesson.title}",
            textwrap.fill(lesson.what_happened, 88, initial_indent="  ", subsequent_indent="  "),
            textwrap.fill("Lesson: " + lesson.lesson, 88, initial_indent="  ", subsequent_indent="  "),
        ]
        if len(card.lessons) > 1:
            lines.append(f"  ({len(card.lessons) - 1} more lesson{'s' if len(card.lessons) > 2 else ''} on this factor)")
    if card.complement is not None:
        lines += ["", f"See also: {card.complement.name} ({card.complement.id})"]
    lines += ["", "Sources:", _bullets([source.citation() for source in card.sources])]
    return "\n".join(lines)
