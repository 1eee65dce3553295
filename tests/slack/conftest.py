"""Fixtures for the Slack app: a fake Web API on 127.0.0.1, settings aimed at it, a migrated database,
and the real Bolt app built by `build_app` with a synchronous listener executor."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_slack_api import FakeSlackAPI
from slack_harness import SlackHarness, SyncExecutor
from slack_setup import SIGNING_SECRET, make_settings

from bot.kb.loader import KnowledgeBase
from bot.settings import Settings


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'slack.db'}"


@pytest.fixture
def slack_settings(fake_slack: FakeSlackAPI, database_url: str) -> Settings:
    return make_settings(fake_slack, database_url)


@pytest.fixture
def slack_db(slack_settings: Settings):
    from bot.storage.db import open_database

    db = open_database(slack_settings.database_url)
    yield db
    db.dispose()


@pytest.fixture
def slack_app(slack_settings: Settings, slack_db, kb: KnowledgeBase):
    from bot.slack.app import build_app

    return build_app(slack_settings, db=slack_db, kb=kb, listener_executor=SyncExecutor())


@pytest.fixture
def slack(slack_app, fake_slack: FakeSlackAPI) -> SlackHarness:
    harness = SlackHarness(slack_app, fake_slack, SIGNING_SECRET)
    fake_slack.clear()  # forget build-time calls (auth.test) so tests see only what they cause
    return harness


