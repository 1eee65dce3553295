"""Storage fixtures: every `db` test runs on a fresh SQLite file and, when TEST_DATABASE_URL is set,
on PostgreSQL too, each PostgreSQL test in a schema of its own that is dropped afterwards.

A TEST_DATABASE_URL that points at a server which does not answer fails the run: a storage suite that
quietly skipped PostgreSQL would report green without testing production's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_schemas import TEST_DATABASE_URL, temporary_schema_url

from bot.kb.loader import KnowledgeBase, get_knowledge
from bot.storage.db import Database, open_database

BACKENDS = [pytest.param("sqlite", id="sqlite")]
if TEST_DATABASE_URL:
    BACKENDS.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    yield from temporary_schema_url("t")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'partnerbot.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return get_knowledge()
