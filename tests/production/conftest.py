"""Fixtures for production-readiness tests: the real `partnerbot serve` in a process of its own, spoken
to over HTTP with signed requests, a local stand-in for Slack's Web API, and databases on SQLite and
(when TEST_DATABASE_URL is set) PostgreSQL.

The Slack test helpers (fake Web API, payloads, signing, the interview driver) are shared with
tests/slack rather than copied.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))

from fake_slack_api import FakeSlackAPI
from slack_setup import SLACK_ENV

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings are read from the environment; tests must only see what they set."""
    for name in (*SLACK_ENV, "LOG_LEVEL", "LOG_FORMAT", "PARTNERBOT_KNOWLEDGE_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as fake:
        yield fake
        for call in fake.calls:  # shown when a test fails
            print(f"slack call {call.method}: {str(call.params.get('text', ''))[:100]!r}")


def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose connections all use a new schema, dropped afterwards (with its rows)."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"prod_{uuid.uuid4().hex[:12]}"
    libpq = make_url(TEST_DATABASE_URL).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
        try:
            yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            admin.execute("SET lock_timeout = '60s'")
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'served.db'}"
    else:
        yield from postgres_schema_url()
