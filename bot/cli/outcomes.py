"""`partnerbot outcomes ...`: log how partnerships turned out, browse, correct, export, import and count.

Everything is scoped to the team in PARTNERBOT_TEAM and recorded under the operating-system user name.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli import CliError

if TYPE_CHECKING:
    from bot.kb.loader import KnowledgeBase
    from bot.outcomes import OutcomeService, OutcomeStats


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "outcomes",
        help="log and review how partnerships turned out",
        description="Log how partnerships turned out, and see what your team's logs say.",
    )
    commands = parser.add_subparsers(dest="outcomes_command", metavar="ACTION", required=True)

    log = commands.add_parser("log", help="log an outcome (flags, or questions when run without --name)")
    _field_flags(log)
    log.set_defaults(handler=run_log)

    listing = commands.add_parser("list", help="list outcomes, newest first")
    listing.add_argument("--status", help="only this status")
    listing.add_argument("--sector", help="only partnerships involving this sector")
    listing.add_argument("--factor", help="only outcomes where this factor id mattered")
    listing.add_argument("--search", "-q", metavar="TEXT", help="text in the name, partners or lesson")
    listing.add_argument("--limit", type=int, default=50, help="how many to show (default 50)")
    listing.add_argument("--offset", type=int, default=0, help="skip this many (for the next page)")
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="show one outcome and its change history")
    show.add_argument("id", type=int)
    show.set_defaults(handler=run_show)

    edit = commands.add_parser("edit", help="change fields of an outcome (questions when no flags are given)")
    edit.add_argument("id", type=int)
    _field_flags(edit)
    edit.set_defaults(handler=run_edit)

    delete = commands.add_parser("delete", help="delete an outcome (kept in the audit trail)")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=run_delete)

    export = commands.add_parser("export", help="write every outcome to a file or standard output")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    export.set_defaults(handler=run_export)

    importing = commands.add_parser("import", help="import outcomes from an export file (all or nothing)")
    importing.add_argument("file", type=Path, help="a .csv or .json file ('-' for standard input)")
    importing.add_argument("--format", choices=["csv", "json"], help="default: from the file name")
    importing.add_argument(
        "--skip-invalid", action="store_true", help="import the good rows even if some are bad"
    )
    importing.set_defaults(handler=run_import)

    stats = commands.add_parser("stats", help="your team's figures, laid out like the seed study's table")
    stats.add_argument("--top", type=int, default=10, help="how many factors to list (default 10)")
    stats.add_argument("--chart", type=Path, metavar="FILE.png", help="also draw the figures to a PNG file")
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.set_defaults(handler=run_stats)


def _field_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="the partnership's name")
    parser.add_argument(
        "--partner",
        action="append",
        dest="partners",
        metavar="ORG",
        help="a partner organisation (repeatable)",
    )
    parser.add_argument(
        "--sector",
        action="append",
        dest="sectors",
        metavar="SECTOR",
        help="nonprofit, industry or government (repeatable)",
    )
    parser.add_argument("--region", help="asia-pacific, eu-plus, north-america or other")
    parser.add_argument(
        "--status",
        help="successful, struggling, failed, potential-unexplored, potential-undeveloped or ongoing",
    )
    parser.add_argument(
        "--factor",
        action="append",
        dest="factors",
        metavar="ID",
        help="a factor id that mattered (repeatable)",
    )
    lesson = parser.add_mutually_exclusive_group()
    lesson.add_argument("--lesson", help="the lesson learned")
    lesson.add_argument(
        "--lesson-file",
        type=Path,
        metavar="FILE",
        help="read the lesson from a file ('-' for standard input)",
    )
    parser.add_argument(
        "--interview", type=int, dest="interview_id", metavar="ID", help="the interview that preceded it"
    )
    parser.add_argument(
        "--anonymous",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="hide who logged it from everyone else",
    )


# -- plumbing -----------------------------------------------------------------------------------


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return "unknown"


@contextmanager
def _service() -> Iterator[tuple[OutcomeService, KnowledgeBase, str]]:
    """The team's outcome service; the service's errors leave the block as one-line `CliError`s."""
    from bot.kb.loader import get_knowledge
    from bot.outcomes import (
        FileFormatError,
        OutcomeImportError,
        OutcomeInputError,
        OutcomeNotFound,
        OutcomeService,
    )
    from bot.settings import get_settings
    from bot.storage import StorageError, open_database

    settings = get_settings()
    kb = get_knowledge(settings.knowledge_dir)
    try:
        db = open_database(settings.database_url)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    try:
        yield OutcomeService(db, kb, settings.team_id), kb, settings.team_id
    except OutcomeNotFound as exc:
        raise CliError(str(exc), exit_code=1) from None
    except OutcomeImportError as exc:
        for problem in exc.report.problems:
            print(f"  {problem}", file=sys.stderr)
        raise CliError(str(exc)) from None
    except (OutcomeInputError, FileFormatError, StorageError) as exc:
        raise CliError(str(exc)) from None
    except EOFError:
        raise CliError("no answer given; nothing saved") from None
    finally:
        db.dispose()


def _flag_values(args: argparse.Namespace) -> dict[str, Any]:
    """What was given on the command line: every field a person writes has a flag of the same name."""
    from bot.outcomes.models import OutcomeIn

    values = {field: getattr(args, field) for field in OutcomeIn.model_fields if getattr(args, field, None) is not None}
    if getattr(args, "lesson_file", None) is not None:
        values["lesson"] = _read_text(args.lesson_file, "lesson-file")
    return values


def _read_text(path: Path, what: str) -> str:
    try:
        if str(path) == "-":
            return sys.stdin.read()
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"{what}: no such file {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{what}: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"{what}: cannot read {path}: {exc.strerror}") from None


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


# -- commands -----------------------------------------------------------------------------------


def run_log(args: argparse.Namespace) -> int:
    values = _flag_values(args)
    with _service() as (service, kb, team):
        if "name" not in values and _interactive():
            from bot.outcomes.prompts import ask_outcome

            values = ask_outcome(service, kb, values)
        record = service.log(values, user_id=_user())
    print(f"Logged outcome {record.id} for team {team}: {record.name} ({record.status.value}).")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from bot.outcomes.render import render_list

    filters = {"status": args.status, "sector": args.sector, "factor": args.factor, "text": args.search}
    with _service() as (service, _, _):
        records = service.list(**filters, limit=args.limit, offset=args.offset, user_id=_user())
        total = service.count(**filters)
    print(render_list(records, total, args.offset))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from bot.outcomes.render import render_outcome

    with _service() as (service, kb, _):
        record = service.show(args.id, user_id=_user())
        history = service.history(args.id, user_id=_user())
    print(render_outcome(record, kb, history))
    return 0


def run_edit(args: argparse.Namespace) -> int:
    changes = _flag_values(args)
    if not changes and not _interactive():
        raise CliError("nothing to change: give the fields to change as flags, e.g. --status failed")
    with _service() as (service, kb, _):
        if not changes:
            from bot.outcomes.prompts import ask_outcome

            current = service.show(args.id, user_id=_user()).editable()
            answers = ask_outcome(service, kb, {}, defaults=current)
            changes = {field: value for field, value in answers.items() if value != current.get(field)}
        record = service.edit(args.id, changes, user_id=_user())
    print(f"Updated outcome {record.id}: {record.name} ({record.status.value}).")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with _service() as (service, _, _):
        record = service.show(args.id, user_id=_user())
        if not args.yes and _interactive():
            reply = input(f"Delete outcome {record.id} ({record.name})? [y/N] ").strip().lower()
            if reply not in {"y", "yes"}:
                print("Nothing deleted.")
                return 1
        service.delete(args.id, user_id=_user())
    print(f"Deleted outcome {record.id} ({record.name}); the audit trail keeps a record of it.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with _service() as (service, _, _):
        if args.output is None:
            service.export(sys.stdout, args.format, user_id=_user())
            return 0
        target: Path = args.output
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                count = service.export(out, args.format, user_id=_user())
            partial.replace(target)  # a failed export never leaves half a file under the real name
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CliError(f"cannot write {target}: {exc.strerror}") from None
    print(f"Exported {count} outcome{'s' if count != 1 else ''} to {target}.", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    fmt = args.format or _format_from_name(args.file)
    text = _read_text(args.file, "file")
    with _service() as (service, _, _):
        report = service.import_(text, fmt, skip_invalid=args.skip_invalid, user_id=_user())
    for problem in report.problems:
        print(f"  skipped {problem}", file=sys.stderr)
    for warning in report.warnings:
        print(f"  note: {warning}", file=sys.stderr)
    skipped = (
        f", skipped {report.skipped} bad row{'s' if report.skipped != 1 else ''}" if report.skipped else ""
    )
    print(f"Imported {report.imported} outcome{'s' if report.imported != 1 else ''}{skipped}.")
    return 0


def _format_from_name(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in {"csv", "json"}:
        return suffix
    raise CliError(f"file: cannot tell the format of {path}; add --format csv or --format json")


def run_stats(args: argparse.Namespace) -> int:
    from bot.outcomes.render import render_stats

    if args.top < 1:
        raise CliError("--top: must be at least 1")
    if args.chart is not None and args.chart.suffix.lower() != ".png":
        raise CliError(f"--chart: {args.chart} should end in .png")
    from bot.outcomes.evidence import render_evidence_table, team_evidence

    with _service() as (service, kb, team):
        figures = service.stats(top=args.top)
        evidence = team_evidence(service.repo.db, kb, team)
    if args.json:
        combined = figures.model_dump(mode="json") | {"factor_evidence": [e.model_dump(mode="json") for e in evidence]}
        print(json.dumps(combined, indent=2))
    else:
        print(render_stats(figures, team))
        if evidence:
            print("\n" + render_evidence_table(evidence))
    if args.chart is not None:
        _draw(figures, args.chart, team)
    return 0


def _draw(figures: OutcomeStats, path: Path, team: str) -> None:
    from bot.outcomes.chart import ChartUnavailable, draw_stats_chart

    if figures.total == 0:
        raise CliError("nothing to chart yet: no outcomes logged")
    try:
        draw_stats_chart(figures, path, title=f"Partnership outcomes, team {team}")
    except ChartUnavailable as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"--chart: cannot write {path}: {exc.strerror}") from None
    print(f"Chart written to {path}.", file=sys.stderr)
