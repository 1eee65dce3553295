"""Storage fixtures: every `db` test runs on a fresh SQLite file and, when TEST_DATABASE_URL is set,
on PostgreSQL too, each PostgreSQL test in a schema of its own that is dropped afterwards.

A TEST_DATABASE_URL that points at a server which does not answer fails the run: a storage suite that
quietly skipped PostgreSQL would report green without testing production's database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.kb.loader import KnowledgeBase, get_knowledge
from bot.storage.db import Database, open_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

BACKENDS = [pytest.param("sqlite", id="sqlite")]
if TEST_DATABASE_URL:
    BACKENDS.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A SQLAlchemy URL whose connections all live in a new, empty schema (dropped after the test)."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    try:
        admin = psycopg.connect(_libpq_url(TEST_DATABASE_URL), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"TEST_DATABASE_URL is set but PostgreSQL does not answer "
            f"({make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)}): {exc}",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            admin.execute("SET lock_timeout = '60s'")  # a connection left holding locks fails, not hangs
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


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
