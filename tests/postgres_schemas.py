"""PostgreSQL for tests: a schema of its own per test, so tests never see each other's rows.

Used by every suite that runs against PostgreSQL when TEST_DATABASE_URL is set. A TEST_DATABASE_URL
that points at a server which does not answer fails the run: a suite that quietly skipped PostgreSQL
would report green without testing production's database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def temporary_schema_url(prefix: str) -> Iterator[str]:
    """A SQLAlchemy URL whose connections all live in a new, empty schema, dropped (with its rows) afterwards."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    libpq = make_url(TEST_DATABASE_URL).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(libpq, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"TEST_DATABASE_URL is set but PostgreSQL does not answer "
            f"({make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)}): {exc}",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
        try:
            yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            admin.execute("SET lock_timeout = '60s'")  # a connection left holding locks fails, not hangs
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
