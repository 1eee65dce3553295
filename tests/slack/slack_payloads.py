"""Request bodies shaped like the ones Slack documents, for slash commands, events, actions and views.

References: api.slack.com/interactivity/slash-commands (form fields), api.slack.com/apis/events-api
(the `event_callback` envelope), api.slack.com/reference/interaction-payloads/block-actions and
.../views (interaction payloads, sent as a form field `payload` holding JSON).
"""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import urlencode

from fake_slack_api import BOT_USER_ID, TEAM_ID

APP_ID = "A0PARTNER1"
_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def slash_command(command: str, text: str, *, user_id: str, channel_id: str, response_url: str) -> str:
    fields = {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "team_domain": "example",
        "channel_id": channel_id,
        "channel_name": "directmessage" if channel_id.startswith("D") else "partnerships",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{_next()}.1234.abcdef",
    }
    return urlencode(fields)


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> str:
    body = {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "context_team_id": TEAM_ID,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{_next():08d}",
        "event_time": 1700000000,
        "authorizations": [
            {"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
             "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJ{_next()}",
    }
    return json.dumps(body)


def message_event(text: str, *, user: str, channel: str, channel_type: str, ts: str | None = None,
                  thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    ts = ts or f"1700001000.{_next():06d}"
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": TEAM_ID,
        "client_msg_id": f"c0ffee{_next():04d}-0000-4000-8000-000000000000",
        "blocks": [{"type": "rich_text", "block_id": "b1",
                    "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}],
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = user
    event.update(extra)
    return event


def app_mention_event(text: str, *, user: str, channel: str, ts: str | None = None,
                      thread_ts: str | None = None) -> dict[str, Any]:
    ts = ts or f"1700002000.{_next():06d}"
    event = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM_ID,
        "client_msg_id": f"feed{_next():04d}-0000-4000-8000-000000000000",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def app_home_opened_event(*, user: str, tab: str = "home") -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": f"D{user.lstrip('U')}", "tab": tab,
            "event_ts": f"1700003000.{_next():06d}"}


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def block_actions(
    action: dict[str, Any],
    *,
    user_id: str,
    response_url: str,
    message: dict[str, Any] | None = None,
    channel_id: str | None = None,
    view: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
    state_values: dict[str, Any] | None = None,
) -> str:
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": f"{_next()}.5678.fedcba",
        "team": {"id": TEAM_ID, "domain": "example"},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [{**action, "action_ts": f"1700004000.{_next():06d}"}],
    }
    if view is not None:
        body["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        body["view"] = view
    else:
        message = message or {}
        body["container"] = {"type": "message", "message_ts": message.get("ts", "1700000000.000000"),
                             "channel_id": channel_id, "is_ephemeral": is_ephemeral}
        body["channel"] = {"id": channel_id, "name": "directmessage" if str(channel_id).startswith("D") else "x"}
        body["message"] = message
        body["state"] = {"values": state_values or {}}
        body["response_url"] = response_url
    return urlencode({"payload": json.dumps(body)})


def view_submission(view: dict[str, Any], values: dict[str, Any], *, user_id: str, view_id: str = "V0SUBMIT1") -> str:
    submitted = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": values},
        "hash": "1700005000.abcdefgh",
        "title": view.get("title"),
        "clear_on_close": False,
        "notify_on_close": False,
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": "BBOT0001",
    }
    body = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "example"},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": f"{_next()}.9012.abcabc",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(body)})
