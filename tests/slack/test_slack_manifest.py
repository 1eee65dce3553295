"""The app manifest declares everything the app listens to and every scope the calls it makes need."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from bot.slack.ids import Command

REPO = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((REPO / "slack-manifest.yaml").read_text(encoding="utf-8"))
SLACK_CODE = REPO / "bot" / "slack"

# Web API methods the app calls, and the bot scope each needs (none for views.* and auth.test).
SCOPE_FOR = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "conversations_open": "im:write",
    "conversations_history": "im:history",  # a follow-up sent again first looks for itself in the DM
}
SCOPE_FREE = {"views_open", "views_publish", "views_update", "views_push", "auth_test"}
# Which subscription delivers each event the listeners handle.
EVENT_SUBSCRIPTIONS = {"message": {"message.im", "message.channels", "message.groups"},
                       "app_mention": {"app_mention"}, "app_home_opened": {"app_home_opened"}}


def client_calls() -> set[str]:
    calls: set[str] = set()
    for path in SLACK_CODE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and re.fullmatch(r"(chat|conversations|views|auth)_\w+", node.attr):
                calls.add(node.attr)
    return calls


def listened_events() -> set[str]:
    source = (SLACK_CODE / "listeners" / "events" / "__init__.py").read_text(encoding="utf-8")
    return set(re.findall(r'app\.event\("([a-z_]+)"[,)]', source))


def test_every_command_is_declared_with_its_url() -> None:
    declared = {c["command"]: c for c in MANIFEST["features"]["slash_commands"]}
    assert set(declared) == {c.value for c in Command}
    for command in declared.values():
        assert command["url"].endswith("/slack/events")


def test_every_listened_event_is_subscribed() -> None:
    subscribed = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    events = listened_events()
    assert events == set(EVENT_SUBSCRIPTIONS)
    for event in events:
        assert EVENT_SUBSCRIPTIONS[event] <= subscribed


def test_every_web_api_call_has_its_scope() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    calls = client_calls()
    assert calls, "the scan found the client calls"
    for call in calls:
        assert call in SCOPE_FOR or call in SCOPE_FREE, f"no scope listed for {call}"
        if call in SCOPE_FOR:
            assert SCOPE_FOR[call] in scopes, f"{call} needs {SCOPE_FOR[call]}"
    assert {"commands", "app_mentions:read", "im:history", "channels:history"} <= scopes


def test_interactivity_home_and_dm_typing_are_on() -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert home["messages_tab_read_only_enabled"] is False
