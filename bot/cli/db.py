"""`partnerbot db ...`: apply the database migrations explicitly and see where the schema stands."""

from __future__ import annotations

import argparse

from bot.cli import CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database tools (migrations)")
    commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = commands.add_parser("upgrade", help="apply every pending migration (safe to run repeatedly)")
    upgrade.add_argument("--url", help="database URL (default: the DATABASE_URL setting)")
    upgrade.set_defaults(handler=run_upgrade)
    current = commands.add_parser("current", help="show the database's schema revision")
    current.add_argument("--url", help="database URL (default: the DATABASE_URL setting)")
    current.set_defaults(handler=run_current)


def _open(url: str | None, *, migrate: bool):  # type: ignore[no-untyped-def]
    from bot.settings import get_settings
    from bot.storage import StorageError, open_database

    try:
        return open_database(url or get_settings().database_url, migrate=migrate)
    except StorageError as exc:
        raise CliError(str(exc)) from None


def run_upgrade(args: argparse.Namespace) -> int:
    from bot.storage import StorageError
    from bot.storage.db import head_revision

    db = _open(args.url, migrate=False)
    try:
        before = db.current_revision()
        db.upgrade()
        after = db.current_revision()
    except StorageError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.dispose()
    if before == after:
        print(f"Database {db.display_url} is up to date (revision {after}).")
    else:
        print(
            f"Database {db.display_url} upgraded from {before or 'empty'} to {after} (head {head_revision()})."
        )
    return 0


def run_current(args: argparse.Namespace) -> int:
    from bot.storage.db import head_revision

    db = _open(args.url, migrate=False)
    try:
        current = db.current_revision()
    finally:
        db.dispose()
    head = head_revision()
    state = "up to date" if current == head else "needs `partnerbot db upgrade`"
    print(f"Database {db.display_url}: revision {current or 'none (empty)'}; newest {head}; {state}.")
    return 0 if current == head else 1
