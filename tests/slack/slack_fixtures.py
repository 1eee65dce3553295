"""Fixtures every suite that builds the Slack app needs, defined once and imported by each conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_slack_api import FakeSlackAPI

from bot.settings import Settings

# Bolt reads these itself, beside whatever our settings read.
BOLT_ENV = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


def settings_env_names() -> tuple[str, ...]:
    """Every environment variable a setting is read from, so a developer's shell cannot leak into a test."""
    names = [str(field.validation_alias or name).upper() for name, field in Settings.model_fields.items()]
    return (*names, *BOLT_ENV)


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the settings they pass; an exported SLACK_BOT_TOKEN or LOG_LEVEL would change them."""
    for name in settings_env_names():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as fake:
        yield fake
        for call in fake.calls:  # printed, and so shown, only when the test fails
            print(f"slack call {call.method}: {str(call.params.get('text', ''))[:100]!r}")
