"""Structured logs: JSON lines when not on a terminal, a request id on every line a Slack request
causes (and in its response), and never a token or a typed answer."""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path

import pytest
from fake_slack_api import FakeSlackAPI
from interview_steps import answer, next_question
from served_bot import HttpSlack, ServedBot, serve_env, wait_for
from slack_setup import BOT_TOKEN, SIGNING_SECRET

from bot.logging_setup import JsonFormatter, TextFormatter, build_handler, mask_tokens, request_scope

SECRET_ANSWER = "Our partner Quillfeather Trust keeps the ledger in a shoebox under Marjorie's desk."


def test_the_served_app_logs_json_with_request_ids_and_no_secrets(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    bot = ServedBot(serve_env(fake_slack, f"sqlite:///{tmp_path / 'logs.db'}"), tmp_path)
    try:
        slack = HttpSlack(bot.base_url, fake_slack)
        slack.command("/partner", "")
        answer(slack, wait_for(lambda: next_question(fake_slack, 0), "the first question"), text=SECRET_ANSWER)
        question = wait_for(lambda: next_question(fake_slack, 1), "the second question")
        fake_slack.fail("chat.update", "message_not_found")  # a warning logged inside the click's listener
        click = answer(slack, question)
        wait_for(lambda: next_question(fake_slack, 2), "the third question")
    finally:
        bot.stop()

    lines = [json.loads(line) for line in bot.output.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    request_id = click.headers["x-request-id"]
    for_click = [line for line in lines if line["request_id"] == request_id]
    assert {line["logger"] for line in for_click} >= {"bot.slack.server", "bot.slack.conversation"}, \
        "the request line and the listener's warning carry the same id"
    assert any(line.get("status") == 200 and "duration_ms" in line for line in for_click)
    for secret in (BOT_TOKEN, SIGNING_SECRET, "Quillfeather", "shoebox"):
        assert secret not in bot.output


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("bot.test", logging.ERROR, __file__, 1, message, args, exc_info)


def raised(message: str) -> BaseException:
    try:
        raise ValueError(message)
    except ValueError as error:
        return error


def test_tokens_are_masked_wherever_they_appear() -> None:
    assert mask_tokens(f"auth with {BOT_TOKEN} and xapp-1-A1-secret") == "auth with xoxb-[masked] and xapp-[masked]"
    line = json.loads(JsonFormatter().format(record("calling with %s", BOT_TOKEN)))
    assert BOT_TOKEN not in json.dumps(line) and line["message"] == "calling with xoxb-[masked]"


def test_exception_messages_are_left_out_unless_debugging() -> None:
    error = raised(f"bad answer: {SECRET_ANSWER}")
    quiet = json.loads(JsonFormatter().format(record("failed", exc=error)))
    assert quiet["error"] == "ValueError" and "raise ValueError" in quiet["traceback"]
    assert "Quillfeather" not in json.dumps(quiet)
    assert "Quillfeather" not in TextFormatter().format(record("failed", exc=error))
    assert "Quillfeather" in JsonFormatter(with_exception_messages=True).format(record("failed", exc=error))


def test_records_carry_the_request_id_of_their_scope() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("bot.test.scope")
    handler = build_handler("INFO", "json", stream)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with request_scope("req-12345678"):
            logger.info("inside")
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == "req-12345678" and outside["request_id"] == "-"


@pytest.mark.parametrize(("isatty", "expected"), [(False, JsonFormatter), (True, TextFormatter)])
def test_json_unless_a_person_is_watching(monkeypatch: pytest.MonkeyPatch, isatty: bool, expected: type) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(stream, "isatty", lambda: isatty)
    assert isinstance(build_handler("INFO", "auto", stream).formatter, expected)
    assert isinstance(build_handler("INFO", "json", sys.stderr).formatter, JsonFormatter)
