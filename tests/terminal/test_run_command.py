"""`partnerbot run`: Slack when configured, the terminal chat otherwise."""

from __future__ import annotations

import argparse
import sys

import pytest

from bot.cli import CliError
from bot.cli import run as run_command
from bot.settings import load_settings


@pytest.fixture()
def slack_settings(monkeypatch):
    settings = load_settings(slack_bot_token="xoxb-test", slack_signing_secret="secret")
    monkeypatch.setattr("bot.settings.get_settings", lambda: settings)
    return settings


def test_with_slack_configured_it_serves_slack(monkeypatch, slack_settings):
    from bot.slack import server

    served = []
    monkeypatch.setattr(server, "serve_from_settings", lambda settings: served.append(settings))
    assert run_command.run(argparse.Namespace()) == 0
    assert served == [slack_settings]


def test_without_a_slack_server_it_says_so_in_one_line(monkeypatch, slack_settings):
    monkeypatch.setitem(sys.modules, "bot.slack.server", None)
    with pytest.raises(CliError, match="no Slack server; use 'partnerbot chat'"):
        run_command.run(argparse.Namespace())


def test_without_slack_it_starts_the_chat_and_says_how_to_connect(monkeypatch, capsys):
    monkeypatch.setattr("bot.settings.get_settings", lambda: load_settings(slack_bot_token=None))
    started = []
    monkeypatch.setattr("bot.cli.chat.run_interactive", lambda **kwargs: started.append(kwargs) or 0)
    assert run_command.run(argparse.Namespace()) == 0
    assert started == [{"resume": False, "fmt": "text"}]
    assert "Slack is not connected" in capsys.readouterr().err
