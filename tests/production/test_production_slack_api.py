"""Slack's Web API answering 429 or 5xx for a while: calls are retried with backoff (Retry-After for a
429), and when a reply still cannot be delivered the person is told, where anything can reach them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_slack_api import FakeSlackAPI
from interview_driver import ALICE, questions
from interview_steps import IDEA, answer, open_interview, steps_taken
from slack_harness import SlackHarness, SyncExecutor
from slack_setup import SIGNING_SECRET, make_settings

from bot.slack.app import build_app
from bot.storage.db import open_database


@pytest.fixture
def slack(fake_slack: FakeSlackAPI, tmp_path: Path, kb) -> Iterator[tuple[SlackHarness, str]]:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    db = open_database(url)
    app = build_app(make_settings(fake_slack, url), db=db, kb=kb, listener_executor=SyncExecutor())
    fake_slack.clear()
    try:
        yield SlackHarness(app, fake_slack, SIGNING_SECRET), url
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def kb():
    from bot.kb.loader import get_knowledge

    return get_knowledge()


def test_rate_limited_for_a_while_the_question_still_arrives(slack, fake_slack: FakeSlackAPI) -> None:
    harness, _ = slack
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=1, times=2)
    harness.command("/partner", "", hook="start")
    attempts = fake_slack.calls_to("chat.postMessage")
    assert [call.response["ok"] for call in attempts] == [False, False, True], "retried after Retry-After"
    assert not fake_slack.calls_to("response_url:start") or "trouble" not in str(
        fake_slack.last("response_url:start").params), "nobody is told about a hiccup that was retried away"


def test_server_errors_longer_than_the_retries_tell_the_person_and_keep_the_answer(slack,
                                                                                    fake_slack: FakeSlackAPI) -> None:
    harness, url = slack
    harness.command("/partner", IDEA)
    question = questions(fake_slack)[-1]
    before = steps_taken(open_interview(url))

    fake_slack.fail("chat.postMessage", "internal_error", status=503, times=3)  # every try of one post
    answer(harness, question)
    assert [call.response["ok"] for call in fake_slack.calls_to("chat.postMessage")[-3:]] == [False] * 3
    told = fake_slack.last("response_url:click").params["text"]
    assert "Slack is having trouble" in told and "/partner resume" in told
    assert steps_taken(open_interview(url)) == before + 1, "the answer was stored before Slack was asked"

    harness.command("/partner", "resume")
    assert questions(fake_slack)[-1].response["ok"], "once Slack is back the interview goes on"


def test_when_slack_cannot_be_reached_at_all_the_answer_is_still_kept(slack, fake_slack: FakeSlackAPI) -> None:
    harness, url = slack
    harness.command("/partner", "")
    for method in ("chat.update", "chat.postMessage", "chat.postEphemeral"):
        fake_slack.fail(method, "internal_error", status=500, times=3)
    assert harness.dm(IDEA, user=ALICE).status == 200
    assert fake_slack.calls_to("chat.postEphemeral"), "an attempt was made to tell the person"
    assert open_interview(url).state["answers"]["purpose"]["value"] == IDEA
