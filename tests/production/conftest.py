"""Fixtures for production-readiness tests: the real `partnerbot serve` in a process of its own, spoken
to over HTTP with signed requests, a local stand-in for Slack's Web API, and databases on SQLite and
(when TEST_DATABASE_URL is set) PostgreSQL.

The Slack test helpers (fake Web API, payloads, signing, the interview driver) are shared with
tests/slack rather than copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_schemas import temporary_schema_url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from temporary_schema_url("prod")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'served.db'}"
    else:
        yield from temporary_schema_url("prod")
