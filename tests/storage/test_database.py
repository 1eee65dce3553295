"""Opening, migrating and the schema's agreement with the models."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import bot.storage.tables  # noqa: F401
from bot.storage.db import Database, head_revision, open_database
from bot.storage.errors import DatabaseUnavailable

EXPECTED_TABLES = {
    "interviews",
    "advice",
    "advice_hits",
    "outcomes",
    "outcome_factors",
    "outcome_audit",
    "processed_events",
}


def test_migrations_create_every_table_at_head(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert EXPECTED_TABLES <= tables
    assert "alembic_version" in tables
    assert db.current_revision() == head_revision()


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrading_twice_changes_nothing(db: Database) -> None:
    before = db.current_revision()
    db.upgrade()
    assert db.current_revision() == before


def test_without_migrate_the_database_stays_empty(database_url: str) -> None:
    database = open_database(database_url, migrate=False)
    try:
        assert database.current_revision() is None
        assert not EXPECTED_TABLES & set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_sqlite_file_and_folder_are_created_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "partnerbot.db"
    database = open_database(f"sqlite:///{path}")
    try:
        assert path.is_file()
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        database.dispose()


def test_default_url_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import get_settings

    path = tmp_path / "from-settings.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    try:
        database = open_database()
        database.dispose()
    finally:
        get_settings.cache_clear()
    assert path.is_file()
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert EXPECTED_TABLES <= names


def test_in_memory_sqlite_is_migrated_too() -> None:
    database = open_database("sqlite://")
    try:
        assert EXPECTED_TABLES <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_unreachable_postgresql_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database("postgresql+psycopg://someone:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
    message = str(caught.value)
    assert "cannot open database" in message
    assert "127.0.0.1:1" in message
    assert "s3cret" not in message


def test_unwritable_sqlite_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseUnavailable, match="cannot create the folder"):
        open_database(f"sqlite:///{blocker / 'sub' / 'x.db'}")


def test_two_processes_migrating_a_fresh_file_at_once_both_succeed(tmp_path: Path) -> None:
    """Concurrent first starts must not both try to create the tables."""
    path = tmp_path / "race.db"
    script = (
        "import sys; from bot.storage.db import open_database; "
        "db = open_database(sys.argv[1]); print(db.current_revision()); db.dispose()"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, f"sqlite:///{path}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert out.strip() == head_revision()


def test_outcomes_logged_under_the_first_schema_survive_the_upgrade(database_url: str, kb) -> None:  # type: ignore[no-untyped-def]
    """Data written at revision 0001 (sectors in their own table) reads the same after 0002, and back."""
    from bot.outcomes import OutcomeService

    database = open_database(database_url, migrate=False)
    try:
        database.upgrade("0001")
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO outcomes (id, team_id, name, partners, region, status, lesson, anonymous, "
                    "logged_at, updated_at, deleted_at) VALUES "
                    "(1, 'T1', 'Old one', :partners, 'other', 'failed', 'Straße lesson', :no, :now, :now, NULL), "
                    "(2, 'T1', 'Old deleted', :empty, 'other', 'failed', '', :no, :now, :now, :now)"
                ),
                {"partners": '["Zürich Uni"]', "empty": "[]", "no": False, "now": "2025-01-02 03:04:05"},
            )
            connection.execute(
                text(
                    "INSERT INTO outcome_sectors (outcome_id, sector) VALUES "
                    "(1, 'nonprofit'), (1, 'government'), (2, 'industry')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO outcome_factors (outcome_id, factor_id, position) VALUES "
                    "(1, 'lack-of-trust', 0), (1, 'shared-vision', 1), (2, 'bureaucracy', 0)"
                )
            )
        database.upgrade()
        service = OutcomeService(database, kb, "T1")
        [record] = service.list()
        assert record.name == "Old one" and [s.value for s in record.sectors] == ["nonprofit", "government"]
        assert record.factors == ["lack-of-trust", "shared-vision"]
        assert [r.id for r in service.list(text="STRASSE zürich")] == [1]
        stats = service.stats()
        assert stats.total == 1 and stats.spans[2] == 1
        assert [c.id for c in stats.struggling_factors] == ["lack-of-trust", "shared-vision"]

        database.downgrade("0001")
        with database.engine.connect() as connection:
            sectors = connection.execute(
                text("SELECT outcome_id, sector FROM outcome_sectors ORDER BY 1, 2")
            ).all()
            factors = connection.execute(text("SELECT count(*) FROM outcome_factors")).scalar()
        assert [tuple(row) for row in sectors] == [(1, "government"), (1, "nonprofit"), (2, "industry")]
        assert factors == 3
        database.upgrade()
        assert OutcomeService(database, kb, "T1").show(1).factors == ["lack-of-trust", "shared-vision"]
    finally:
        database.dispose()
