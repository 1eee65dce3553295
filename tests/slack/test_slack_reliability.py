"""What Slack's delivery model throws at the app: redelivered events, Web API failures and two app
processes sharing one database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import slack_payloads as payloads
from fake_slack_api import BOT_USER_ID, FakeSlackAPI
from interview_driver import ALICE, answer_current, current_question, option_values, questions, reports
from slack_harness import SlackHarness, SyncExecutor
from postgres_schemas import temporary_schema_url
from slack_setup import SIGNING_SECRET, make_settings

from bot.slack.app import build_app
from bot.slack.ids import Action
from bot.storage.db import open_database
from bot.storage.interviews import InterviewRepository

TEAM = "T0TEAM001"
IDEA = ("We want to partner with a pharma company on diabetes screening in rural clinics, but they want "
        "exclusive rights to the patient data and our board has not signed off yet.")


def stored(db, surface: str | None = "dm"):
    return InterviewRepository(db).latest_open(TEAM, ALICE, surface)


# -- redelivery ------------------------------------------------------------------------------------

def test_a_redelivered_dm_has_no_second_effect(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db) -> None:
    slack.command("/partner", "")
    fake_slack.clear()
    event = payloads.message_event(IDEA, user=ALICE, channel="D0ALICE01", channel_type="im")
    slack.event(event, event_id="Ev0REDELIVER1")
    after_first = stored(slack_db)
    calls_after_first = len(fake_slack.calls)

    for retry in (1, 2, 3):
        assert slack.event(event, event_id="Ev0REDELIVER1", retry_num=retry).status == 200
    assert stored(slack_db).version == after_first.version
    assert len(fake_slack.calls) == calls_after_first, "no second question, no second update"


def test_a_redelivered_mention_starts_one_interview(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db) -> None:
    mention = payloads.app_mention_event(f"<@{BOT_USER_ID}> {IDEA}", user=ALICE, channel="C0PARTNER1")
    slack.event(mention, event_id="Ev0MENTION01")
    slack.event(mention, event_id="Ev0MENTION01", retry_num=1)
    assert len(questions(fake_slack)) == 1
    assert len(InterviewRepository(slack_db).list_open(TEAM, ALICE)) == 1


def test_a_retry_whose_first_delivery_never_arrived_is_still_handled(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                                     slack_db) -> None:
    """Retries are not ignored wholesale: only a second delivery of an event already handled is dropped."""
    slack.command("/partner", "")
    slack.event(payloads.message_event(IDEA, user=ALICE, channel="D0ALICE01", channel_type="im"),
                event_id="Ev0FIRSTSEEN", retry_num=2)
    assert stored(slack_db).state["answers"]["purpose"]["value"] == IDEA


# -- Web API failures ------------------------------------------------------------------------------

def test_a_rate_limited_post_is_retried_and_the_interview_goes_on(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                                  slack_db) -> None:
    slack.command("/partner", "")
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=0)
    slack.dm(IDEA)
    posted = fake_slack.calls_to("chat.postMessage")
    assert [c.response["ok"] for c in posted[-2:]] == [False, True]
    assert current_question(fake_slack).response["ok"] is True
    assert stored(slack_db).state["answers"]["purpose"]["value"] == IDEA


def test_a_server_error_opening_a_modal_is_retried(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    fake_slack.fail("views.open", "internal_error", status=503)
    slack.command("/partner-outcome", hook="modal")
    assert len(fake_slack.calls_to("views.open")) == 2
    assert not fake_slack.calls_to("response_url:modal"), "no error shown when the retry worked"


def test_when_the_next_question_cannot_be_posted_the_answer_is_kept_and_resume_works(
    slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db
) -> None:
    slack.command("/partner", IDEA)
    question = current_question(fake_slack)
    fake_slack.fail("chat.postMessage", "channel_not_found")
    slack.click(question, Action.answer_choice, value=option_values(question)[0], hook="lost")
    told = fake_slack.last("response_url:lost").params["text"]
    assert "can't reach that conversation" in told and "/partner resume" in told
    kept = stored(slack_db)
    assert len(kept.state["history"]) == 2, "the answer was saved before posting"

    slack.command("/partner", "resume")
    assert current_question(fake_slack).response["ok"] is True
    assert current_question(fake_slack).params["text"] != question.params["text"]


def test_a_message_that_cannot_be_updated_does_not_stop_the_interview(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                                      slack_db) -> None:
    slack.command("/partner", IDEA)
    question = current_question(fake_slack)
    fake_slack.fail("chat.update", "message_not_found")
    slack.click(question, Action.answer_choice, value=option_values(question)[0])
    assert len(questions(fake_slack)) == 2 and len(stored(slack_db).state["history"]) == 2


# -- two app processes, one database ---------------------------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    yield from temporary_schema_url("slack")


@pytest.fixture
def two_apps(fake_slack: FakeSlackAPI, shared_database_url: str, kb) -> Iterator[tuple[SlackHarness, SlackHarness]]:
    """Two independently built apps (each with its own engine), as two processes would have."""
    settings = make_settings(fake_slack, shared_database_url)
    databases = [open_database(shared_database_url), open_database(shared_database_url, migrate=False)]
    harnesses = tuple(
        SlackHarness(build_app(settings, db=db, kb=kb, listener_executor=SyncExecutor()), fake_slack, SIGNING_SECRET)
        for db in databases
    )
    fake_slack.clear()
    try:
        yield harnesses  # type: ignore[misc]
    finally:
        for db in databases:
            db.dispose()


def test_two_app_instances_serve_alternate_steps_of_one_interview(two_apps, fake_slack: FakeSlackAPI,
                                                                  shared_database_url: str) -> None:
    first, second = two_apps
    first.command("/partner", "")
    second.dm(IDEA)
    step = 0
    while not reports(fake_slack):
        answer_current((first, second)[step % 2], fake_slack)
        step += 1
        assert step < 40
    db = open_database(shared_database_url, migrate=False)
    try:
        repo = InterviewRepository(db)
        assert repo.latest_open(TEAM, ALICE) is None
        finished = repo.get(TEAM, 1)
        assert finished is not None and finished.status == "finished"
        # every step, whichever instance took it, landed exactly once (declined confirmations included)
        assert len(finished.state["history"]) + len(finished.state["declined"]) == step + 1
    finally:
        db.dispose()


def test_the_same_click_reaching_both_instances_at_once_answers_once(two_apps, fake_slack: FakeSlackAPI,
                                                                     shared_database_url: str) -> None:
    first, second = two_apps
    first.command("/partner", IDEA)
    question = current_question(fake_slack)
    value = option_values(question)[0]
    barrier = threading.Barrier(2)

    def click(harness: SlackHarness, hook: str) -> None:
        barrier.wait()
        harness.click(question, Action.answer_choice, value=value, hook=hook)

    threads = [threading.Thread(target=click, args=(h, f"race{n}")) for n, h in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    db = open_database(shared_database_url, migrate=False)
    try:
        record = InterviewRepository(db).latest_open(TEAM, ALICE, "dm")
        assert len(record.state["history"]) == 2, "answered once"
    finally:
        db.dispose()
    assert len(questions(fake_slack)) == 2, "one next question"
    refused = [c for c in fake_slack.calls if c.method.startswith("response_url:race")]
    assert len(refused) == 1 and "already answered" in refused[0].params["text"]
