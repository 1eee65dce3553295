"""Test settings for the Slack app: fixed secrets (never real ones) and settings aimed at the fake API."""

from __future__ import annotations

from fake_slack_api import FakeSlackAPI

from bot.settings import Settings, load_settings

BOT_TOKEN = "xoxb-1111-2222-test-token-never-logged"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def make_settings(fake: FakeSlackAPI, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "_env_file": None,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.url,
        "database_url": database_url,
    }
    values.update(overrides)
    return load_settings(**values)


