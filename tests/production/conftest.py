"""Fixtures for production-readiness tests: the real `partnerbot serve` in a process of its own, spoken
to over HTTP with signed requests, a local stand-in for Slack's Web API, and databases on SQLite and
(when TEST_DATABASE_URL is set) PostgreSQL.

The Slack test helpers (fake Web API, payloads, signing, the interview driver) are shared with
tests/slack rather than copied.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))

from fake_slack_api import FakeSlackAPI
from postgres_schemas import temporary_schema_url
from slack_setup import SLACK_ENV

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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from temporary_schema_url("prod")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'served.db'}"
    else:
        yield from temporary_schema_url("prod")
