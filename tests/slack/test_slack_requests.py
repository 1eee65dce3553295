"""Signature verification, the health check, settings at start-up and the Web API client's retries."""

from __future__ import annotations

import json
import logging
import time
from io import BytesIO
from wsgiref.util import setup_testing_defaults

import pytest
import slack_payloads as payloads
from fake_slack_api import FakeSlackAPI
from slack_bolt import BoltRequest
from slack_harness import FORM, JSON, SlackHarness, signed_headers
from slack_sdk.errors import SlackApiError
from slack_setup import BOT_TOKEN, SIGNING_SECRET, make_settings

from bot.settings import SettingsError
from bot.slack.web import build_web_client, describe_api_error


def factor_command_body(fake: FakeSlackAPI) -> str:
    return payloads.slash_command("/factor", "trust", user_id="U0ALICE01", channel_id="C0PARTNER1",
                                  response_url=fake.response_url("sig"))


def test_a_correctly_signed_request_is_served(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    response = slack.send(factor_command_body(fake_slack), FORM)
    assert response.status == 200
    assert fake_slack.calls_to("response_url:sig"), "the listener ran and replied"


def test_a_forged_signature_gets_401_and_runs_nothing(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    body = factor_command_body(fake_slack)
    headers = signed_headers("not-the-signing-secret", body, FORM)
    response = slack.app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    assert fake_slack.calls == []


def test_a_body_changed_after_signing_gets_401(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    body = factor_command_body(fake_slack)
    headers = signed_headers(SIGNING_SECRET, body, FORM)
    response = slack.app.dispatch(BoltRequest(body=body.replace("trust", "funding"), headers=headers))
    assert response.status == 401
    assert fake_slack.calls == []


def test_a_stale_request_gets_401_even_when_signed_correctly(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    ten_minutes_ago = int(time.time()) - 600
    response = slack.send(factor_command_body(fake_slack), FORM, timestamp=ten_minutes_ago)
    assert response.status == 401
    assert fake_slack.calls == []


def test_a_request_without_signature_headers_gets_401(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    event = payloads.event_callback(payloads.app_home_opened_event(user="U0ALICE01"))
    response = slack.app.dispatch(BoltRequest(body=event, headers={"content-type": [JSON]}))
    assert response.status == 401


def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    response = slack.send(body, JSON)
    assert response.status == 200
    assert json.loads(response.body)["challenge"].startswith("3eZbrw1aBm")


def test_secrets_never_reach_the_logs(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    slack.command("/factor", "funding")
    slack.send(factor_command_body(fake_slack), FORM, timestamp=int(time.time()) - 900)
    assert caplog.records, "debug logging was on"
    assert BOT_TOKEN not in caplog.text
    assert SIGNING_SECRET not in caplog.text


# -- start-up settings -----------------------------------------------------------------------------

def test_http_mode_refuses_to_start_without_a_signing_secret(fake_slack: FakeSlackAPI, database_url: str) -> None:
    from bot.slack.app import build_app

    settings = make_settings(fake_slack, database_url, slack_signing_secret=None)
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        build_app(settings, db=object())  # type: ignore[arg-type]


def test_a_token_slack_refuses_stops_start_up_without_echoing_it(fake_slack: FakeSlackAPI, database_url: str,
                                                                  slack_db, kb) -> None:
    from bot.slack.app import build_app

    fake_slack.fail("auth.test", "invalid_auth")
    settings = make_settings(fake_slack, database_url)
    with pytest.raises(SettingsError) as raised:
        build_app(settings, db=slack_db, kb=kb)
    assert "SLACK_BOT_TOKEN" in str(raised.value) and "invalid_auth" in str(raised.value)
    assert BOT_TOKEN not in str(raised.value)


# -- health check ----------------------------------------------------------------------------------

def call_wsgi(app, path: str, method: str = "GET") -> tuple[str, dict]:
    environ: dict = {"PATH_INFO": path, "REQUEST_METHOD": method, "wsgi.input": BytesIO(b"")}
    setup_testing_defaults(environ)
    seen: dict = {}

    def start_response(status: str, headers: list) -> None:
        seen["status"] = status

    body = b"".join(app(environ, start_response))
    return seen["status"], json.loads(body) if body.startswith(b"{") else {"raw": body.decode()}


def test_healthz_reports_the_database(slack_settings, slack_db, kb) -> None:
    from bot.slack.server import build_wsgi_app

    wsgi = build_wsgi_app(slack_settings, db=slack_db, kb=kb)
    status, body = call_wsgi(wsgi, "/healthz")
    assert status.startswith("200") and body == {"ok": True, "database": "ok"}

    from sqlalchemy import create_engine

    from bot.slack.server import SlackWsgiApp
    from bot.storage.db import Database

    unreachable = Database(create_engine("sqlite:////nonexistent-dir/partnerbot.db"))
    status, body = call_wsgi(SlackWsgiApp(wsgi.slack_handler, unreachable), "/healthz")
    assert status.startswith("503") and body["ok"] is False


def test_unknown_paths_get_404(slack_settings, slack_db, kb) -> None:
    from bot.slack.server import build_wsgi_app

    wsgi = build_wsgi_app(slack_settings, db=slack_db, kb=kb)
    status, _ = call_wsgi(wsgi, "/wp-admin")
    assert status.startswith("404")


# -- the Web API client ----------------------------------------------------------------------------

def test_rate_limited_calls_are_retried_after_retry_after(fake_slack: FakeSlackAPI, slack_settings) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=0)
    response = build_web_client(slack_settings).chat_postMessage(channel="C1", text="hello")
    assert response["ok"] is True
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_server_errors_are_retried(fake_slack: FakeSlackAPI, slack_settings) -> None:
    fake_slack.fail("chat.postMessage", "internal_error", status=503)
    response = build_web_client(slack_settings).chat_postMessage(channel="C1", text="hello")
    assert response["ok"] is True
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_errors_slack_will_repeat_are_not_retried_but_explained(fake_slack: FakeSlackAPI, slack_settings) -> None:
    fake_slack.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError) as raised:
        build_web_client(slack_settings).chat_postMessage(channel="C404", text="hello")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert "invite me" in describe_api_error(raised.value).lower()


def test_persistent_rate_limiting_gives_up_with_a_clear_message(fake_slack: FakeSlackAPI, slack_settings) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=0, times=5)
    with pytest.raises(SlackApiError) as raised:
        build_web_client(slack_settings).chat_postMessage(channel="C1", text="hello")
    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # the first try and two retries
    assert "nothing you entered is lost" in describe_api_error(raised.value)


# -- Socket Mode -----------------------------------------------------------------------------------

def test_an_app_token_selects_socket_mode_without_a_signing_secret(monkeypatch: pytest.MonkeyPatch,
                                                                    fake_slack: FakeSlackAPI, database_url: str) -> None:
    started: dict = {}

    class RecordingHandler:
        """Stands in for Bolt's SocketModeHandler, whose start() would open a WebSocket to Slack."""

        def __init__(self, app, app_token: str) -> None:
            started.update(app=app, token=app_token)

        def start(self) -> None:
            started["started"] = True

    monkeypatch.setattr("slack_bolt.adapter.socket_mode.SocketModeHandler", RecordingHandler)
    from bot.slack.server import serve_from_settings

    settings = make_settings(fake_slack, database_url, slack_signing_secret=None, slack_app_token="xapp-1-A1-test")
    serve_from_settings(settings)
    assert started["started"] and started["token"] == "xapp-1-A1-test"

    from urllib.parse import parse_qsl

    command = dict(parse_qsl(payloads.slash_command("/factor", "bureaucracy", user_id="U0ALICE01",
                                                    channel_id="C0PARTNER1", response_url=fake_slack.response_url("ws"))))
    response = started["app"].dispatch(BoltRequest(mode="socket_mode", body=command, headers={}))
    assert response.status == 200
    reply = None
    for _ in range(500):  # the app's own executor runs the listener after the ack
        calls = fake_slack.calls_to("response_url:ws")
        if calls:
            reply = calls[0]
            break
        time.sleep(0.01)
    assert reply is not None and "Bureaucracy" in reply.text_everywhere()


def test_socket_mode_still_needs_the_bot_token(fake_slack: FakeSlackAPI, database_url: str) -> None:
    from bot.slack.server import serve_from_settings

    settings = make_settings(fake_slack, database_url, slack_bot_token=None, slack_app_token="xapp-1-A1-test")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        serve_from_settings(settings)
