"""Fixtures for learning from outcomes: the storage suite's databases (a fresh SQLite file, and a
PostgreSQL schema of its own when TEST_DATABASE_URL is set) and the Slack suite's fake Web API and
request harness, reused rather than copied."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]

from fake_slack_api import FakeSlackAPI
from slack_harness import SlackHarness, SyncExecutor
from slack_setup import SIGNING_SECRET, make_settings


def _storage_fixtures():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("storage_fixtures", TESTS / "storage" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_storage = _storage_fixtures()
TEST_DATABASE_URL = _storage.TEST_DATABASE_URL
pg_schema_url = _storage.pg_schema_url
database_url = _storage.database_url
db = _storage.db


@pytest.fixture
def slack_settings(fake_slack: FakeSlackAPI, database_url: str):  # type: ignore[no-untyped-def]
    return make_settings(fake_slack, database_url, PARTNERBOT_FOLLOWUP_DAYS=30)


@pytest.fixture
def slack(slack_settings, db, kb, fake_slack: FakeSlackAPI) -> SlackHarness:  # type: ignore[no-untyped-def]
    from bot.slack.app import build_app

    app = build_app(slack_settings, db=db, kb=kb, listener_executor=SyncExecutor())
    harness = SlackHarness(app, fake_slack, SIGNING_SECRET)
    fake_slack.clear()
    return harness
