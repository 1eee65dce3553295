"""Follow-ups: scheduled when advice is given, sent once each (also with two scheduler processes on one
database), retried or given up as Slack answers, stopped by a logged outcome or a "stop asking", and
opening the outcome form filled in from the interview."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_slack_api import Call, FakeSlackAPI
from interview_driver import ALICE, answer_current, reports
from learning_data import outcome
from slack_harness import SlackHarness
from slack_setup import make_settings

from bot.advice import build_report
from bot.cli import main
from bot.followups import MAX_ASKS, DeliveryFailed, Followup, FollowupRepository, FollowupScheduler
from bot.followups.repository import CLAIM_TIMEOUT
from bot.interview import InterviewEngine, load_flow
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.settings import get_settings
from bot.slack.followups import METADATA_EVENT, SlackFollowupSender, followup_client, followup_scheduler
from bot.slack.ids import Action, OutcomeBlock
from bot.storage.advice import AdviceRepository
from bot.storage.db import Database, open_database
from bot.storage.interviews import InterviewRepository
from bot.storage.types import utcnow

TEAM = "T0TEAM001"
IDEA = (
    "We want to partner with the regional health ministry on a vaccine data hub, but their legal team has "
    "had the data sharing agreement for months."
)
SENDER_PROCESS = Path(__file__).with_name("followup_sender.py")


def due_followup(
    db: Database,
    *,
    user: str = ALICE,
    surface: str = "dm",
    team: str = TEAM,
    title: str = "A vaccine data hub",
    ago: timedelta = timedelta(minutes=1),
) -> int:
    """An interview with advice, and its first follow-up already due; returns the interview id."""
    interview = InterviewRepository(db).create(team_id=team, user_id=user, surface=surface, state={})
    AdviceRepository(db).record(
        team,
        interview.id,
        [
            {"id": "bureaucracy", "kind": "negative", "score": 0.9},
            {"id": "shared-vision", "kind": "success", "score": 0.6},
        ],
    )
    assert FollowupRepository(db).schedule(
        team_id=team,
        interview_id=interview.id,
        user_id=user,
        surface=surface,
        title=title,
        due_at=utcnow() - ago,
    )
    return interview.id


def followups_of(db: Database, interview_id: int, team: str = TEAM) -> list[Followup]:
    return [
        f for f in FollowupRepository(db).list(team_id=team, due_only=False) if f.interview_id == interview_id
    ]


class RecordingSender:
    """Delivers by remembering; can be told to fail the next deliveries."""

    def __init__(self) -> None:
        self.delivered: list[int] = []
        self.failures: list[DeliveryFailed] = []

    def deliver(self, followup: Followup) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append(followup.id)
        return f"D0:{followup.id}"


def posted_followup_ids(fake: FakeSlackAPI) -> list[int]:
    return [
        call.params["metadata"]["event_payload"]["followup_id"]
        for call in fake.calls_to("chat.postMessage")
        if (call.params.get("metadata") or {}).get("event_type") == METADATA_EVENT
    ]


# -- scheduled when advice is given ----------------------------------------------------------------


def test_advice_in_slack_schedules_a_followup_and_cites_the_teams_history(
    slack: SlackHarness, fake_slack: FakeSlackAPI, db: Database, kb: KnowledgeBase
) -> None:
    OutcomeService(db, kb, TEAM).log(
        outcome(
            "Regional vaccine data hub",
            ["government"],
            ["bureaucracy"],
            "struggling",
            "Start the data agreement before the grant starts.",
        ),
        user_id="U0BOB0001",
    )
    slack.command("/partner", IDEA)
    for _ in range(40):
        if reports(fake_slack):
            break
        answer_current(slack, fake_slack)
    report = " ".join(call.text_everywhere() for call in reports(fake_slack))
    assert "Your team's history" in report and "Regional vaccine data hub" in report

    [followup] = FollowupRepository(db).list(team_id=TEAM, due_only=False)
    assert (followup.user_id, followup.surface, followup.ask, followup.status) == (ALICE, "dm", 1, "pending")
    assert followup.title == IDEA
    expected = utcnow() + timedelta(days=30)  # PARTNERBOT_FOLLOWUP_DAYS=30 in these settings
    assert abs((followup.due_at - expected).total_seconds()) < 600
    assert FollowupRepository(db).list(team_id=TEAM) == [], "not due yet"


def test_advice_in_the_terminal_schedules_a_followup_listed_for_the_person(
    db: Database, kb: KnowledgeBase
) -> None:
    from bot.interview import InterviewEngine, load_flow
    from bot.terminal.store import TerminalStore

    engine = InterviewEngine(load_flow(kb), kb)
    store = TerminalStore(db, "T-terminal", user_id="carol")
    state = engine.start(IDEA)
    store.save(state, finished=True)
    from bot.advice import build_report

    report = store.with_history(build_report(state, kb, engine.flow), kb)
    assert report.team_history is not None and report.team_history.outcomes_logged == 0
    store.record_advice(report, followup_days=7)
    [followup] = FollowupRepository(db).list(team_id="T-terminal", due_only=False)
    assert (followup.user_id, followup.surface) == ("carol", "terminal")
    assert FollowupRepository(db).claim_due("t", limit=10, now=utcnow() + timedelta(days=8)) == [], (
        "a terminal interview's follow-up is never sent to Slack"
    )
    assert [f.id for f in FollowupRepository(db).list(now=utcnow() + timedelta(days=8))] == [followup.id]


# -- the scheduler -----------------------------------------------------------------------------------


def test_a_due_followup_is_sent_once_and_the_next_ask_is_scheduled(db: Database) -> None:
    interview = due_followup(db)
    not_yet = due_followup(db, ago=-timedelta(days=3))
    sender = RecordingSender()
    scheduler = FollowupScheduler(db, sender, followup_days=30)
    first = scheduler.run_once()
    again = scheduler.run_once()
    assert (first.sent, again.sent) == (1, 0)
    [sent, following] = followups_of(db, interview)
    assert sent.status == "sent" and sent.message_ref == f"D0:{sent.id}" and sent.sent_at is not None
    assert (following.ask, following.status) == (2, "pending")
    assert abs((following.due_at - (utcnow() + timedelta(days=30))).total_seconds()) < 600
    assert [f.status for f in followups_of(db, not_yet)] == ["pending"]
    assert sender.delivered == [sent.id]


def test_the_asking_stops_after_the_last_ask(db: Database) -> None:
    interview = due_followup(db)
    sender = RecordingSender()
    months = [0]
    scheduler = FollowupScheduler(
        db, sender, followup_days=30, clock=lambda: utcnow() + timedelta(days=31 * months[0])
    )
    for months[0] in range(MAX_ASKS + 2):  # a round a month
        scheduler.run_once()
    asks = followups_of(db, interview)
    assert [f.ask for f in asks] == list(range(1, MAX_ASKS + 1))
    assert {f.status for f in asks} == {"sent"} and len(sender.delivered) == MAX_ASKS


def test_a_logged_outcome_or_a_decline_stops_the_followups(db: Database, kb: KnowledgeBase) -> None:
    answered = due_followup(db)
    declined = due_followup(db)
    deleted_outcome = due_followup(db)
    service = OutcomeService(db, kb, TEAM)
    service.log(outcome("How it went", ["government"], ["bureaucracy"], "ongoing", interview_id=answered))
    gone = service.log(
        outcome("Logged by mistake", ["government"], [], "failed", interview_id=deleted_outcome)
    )
    service.delete(gone.id)
    assert FollowupRepository(db).decline(TEAM, declined) == 1
    assert {f.interview_id for f in FollowupRepository(db).list(team_id=TEAM)} == {deleted_outcome}

    sender = RecordingSender()
    summary = FollowupScheduler(db, sender, followup_days=30).run_once()
    assert (summary.sent, summary.closed) == (1, 1)
    assert [f.status for f in followups_of(db, answered)] == ["closed"]
    assert [f.status for f in followups_of(db, declined)] == ["declined"]
    assert [f.status for f in followups_of(db, deleted_outcome)] == ["sent", "pending"]


def test_passing_failures_are_retried_later_and_permanent_ones_given_up(db: Database) -> None:
    passing, permanent = due_followup(db), due_followup(db)
    sender = RecordingSender()
    sender.failures = [
        DeliveryFailed("ratelimited", permanent=False),
        DeliveryFailed("user_not_found", permanent=True),
    ]
    now = utcnow()
    scheduler = FollowupScheduler(db, sender, followup_days=30, clock=lambda: now)
    summary = scheduler.run_once()
    assert (summary.sent, summary.retrying, summary.failed) == (0, 1, 1)
    [retrying] = followups_of(db, passing)
    assert (retrying.status, retrying.attempts, retrying.last_error) == ("pending", 1, "ratelimited")
    assert retrying.due_at > now, "not before the retry delay"
    assert [(f.status, f.last_error) for f in followups_of(db, permanent)] == [("failed", "user_not_found")]

    later = FollowupScheduler(db, sender, followup_days=30, clock=lambda: now + timedelta(hours=1))
    assert later.run_once().sent == 1
    assert followups_of(db, passing)[0].status == "sent"


def test_a_claim_takes_no_more_than_asked_and_two_claims_never_share_a_followup(
    db: Database, database_url: str
) -> None:
    for _ in range(5):
        due_followup(db)
    other = open_database(database_url, migrate=False)
    try:
        first = FollowupRepository(db).claim_due("first", limit=2)
        second = FollowupRepository(other).claim_due("second", limit=2)
        rest = FollowupRepository(other).claim_due("third", limit=10)
    finally:
        other.dispose()
    assert (len(first), len(second), len(rest)) == (2, 2, 1)
    assert len({f.id for f in [*first, *second, *rest]}) == 5
    assert {f.claim_token for f in first} == {"first"} and {f.status for f in rest} == {"sending"}


def test_a_claim_left_by_a_stopped_process_is_taken_over_only_after_the_timeout(db: Database) -> None:
    interview = due_followup(db)
    repo = FollowupRepository(db)
    [claimed] = repo.claim_due("stopped-process", limit=5)
    assert repo.claim_due("other", limit=5) == [], "a live claim is nobody else's"
    later = utcnow() + CLAIM_TIMEOUT + timedelta(seconds=1)
    [taken] = repo.claim_due("other", limit=5, now=later)
    assert taken.id == claimed.id and taken.attempts == 2
    assert not repo.mark_sent(claimed, "stopped-process", "D0:late", next_due=None), "the old claim is void"
    assert repo.mark_sent(taken, "other", "D0:1", next_due=None)
    assert [f.status for f in followups_of(db, interview)] == ["sent"]


# -- Slack delivery -------------------------------------------------------------------------------


class HistorySlackAPI(FakeSlackAPI):
    """Also answers conversations.history with the messages posted so far (and their metadata)."""

    def _success(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.history":
            posted = [
                {
                    "type": "message",
                    "ts": (c.response or {}).get("ts"),
                    "text": c.params.get("text"),
                    "metadata": c.params.get("metadata"),
                }
                for c in self.calls_to("chat.postMessage")
                if c.params.get("channel") == params.get("channel")
            ]
            return {"ok": True, "messages": list(reversed(posted)), "has_more": False}
        return super()._success(method, params)


def sender_for(fake: FakeSlackAPI, db: Database, kb: KnowledgeBase) -> SlackFollowupSender:
    settings = make_settings(fake, "sqlite://", PARTNERBOT_FOLLOWUP_DAYS=30)
    return SlackFollowupSender(followup_client(settings), db, kb, followup_days=30)


def test_the_dm_asks_how_it_is_going_and_is_not_posted_twice(db: Database, kb: KnowledgeBase) -> None:
    interview = due_followup(db, ago=timedelta(days=1))
    with HistorySlackAPI() as fake:
        sender = sender_for(fake, db, kb)
        repo = FollowupRepository(db)
        [followup] = repo.claim_due("first", limit=1)
        where = sender.deliver(followup)  # posted, then the process stops before recording it
        [message] = fake.calls_to("chat.postMessage")
        assert where == f"D0ALICE01:{message.response['ts']}"
        text = message.text_everywhere()
        assert "How is the partnership going?" in text and "A vaccine data hub" in text
        assert "The advice flagged bureaucracy." in text
        assert "ask again in about 30 days" in text
        buttons = {
            e["action_id"]: e["value"]
            for b in message.blocks()
            if b["type"] == "actions"
            for e in b["elements"]
        }
        assert buttons == {
            Action.followup_log_outcome: str(followup.id),
            Action.followup_decline: str(followup.id),
        }

        taken_over = FollowupScheduler(
            db, sender, followup_days=30, clock=lambda: utcnow() + CLAIM_TIMEOUT + timedelta(minutes=1)
        )
        assert taken_over.run_once().sent == 1
        assert len(fake.calls_to("chat.postMessage")) == 1, "found in the DM's history, not posted again"
        assert followups_of(db, interview)[0].message_ref == where


def test_slack_errors_decide_between_retrying_and_giving_up(
    db: Database, kb: KnowledgeBase, fake_slack: FakeSlackAPI
) -> None:
    sender = sender_for(fake_slack, db, kb)
    now = utcnow()
    passing, gone = due_followup(db), due_followup(db, user="U0GONE001", ago=-timedelta(minutes=5))
    fake_slack.fail("chat.postMessage", "internal_error", status=500)
    first = FollowupScheduler(db, sender, followup_days=30, clock=lambda: now).run_once()
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    assert [(f.status, f.last_error) for f in followups_of(db, passing)] == [("pending", "internal_error")]

    fake_slack.fail("conversations.open", "user_not_found")  # the person left the workspace
    second = FollowupScheduler(
        db, sender, followup_days=30, clock=lambda: now + timedelta(minutes=10)
    ).run_once()
    assert (second.sent, second.retrying, second.failed) == (0, 0, 1)
    assert [(f.status, f.last_error) for f in followups_of(db, gone)] == [("failed", "user_not_found")]


def test_two_scheduler_processes_send_each_followup_exactly_once(database_url: str, db: Database) -> None:
    """Two app processes, one database (PostgreSQL with TEST_DATABASE_URL, and SQLite), racing for the
    same due follow-ups: every follow-up reaches Slack once, none twice, none lost."""
    count = 40
    interviews = [due_followup(db, user=f"U0P{n:06d}") for n in range(count)]
    with MeetingSlackAPI() as fake:
        processes = [
            subprocess.Popen(
                [sys.executable, str(SENDER_PROCESS), database_url, fake.url],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        try:
            for process in processes:
                assert process.stdout is not None and process.stdout.readline().strip() == "ready"
            for process in processes:
                assert process.stdin is not None
                process.stdin.write("go\n")
                process.stdin.flush()
            results = [process.communicate(timeout=180) for process in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        for process, (_, err) in zip(processes, results, strict=True):
            assert process.returncode == 0, err
        sent = [int(out.split()[-1]) for out, _ in results]
        assert fake.met_in_flight, "both processes had a follow-up in flight at the same time"
        posted = Counter(posted_followup_ids(fake))
    firsts = {followups_of(db, i)[0].id for i in interviews}
    assert set(posted) == firsts and set(posted.values()) == {1}, posted
    assert sum(sent) == count and all(sent), sent
    for interview in interviews:
        asks = followups_of(db, interview)
        assert [(f.ask, f.status) for f in asks] == [(1, "sent"), (2, "pending")]


class MeetingSlackAPI(FakeSlackAPI):
    """Holds the first follow-up posted until a second one is being posted too (or 20 s pass): each
    process claims one follow-up at a time, so that proves two processes were sending at once."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = threading.Barrier(2, timeout=20)
        self.met_in_flight = False
        self._first_two = threading.Semaphore(2)

    def _success(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and self._first_two.acquire(blocking=False):
            try:
                self.meeting.wait()
                self.met_in_flight = True
            except threading.BrokenBarrierError:
                pass
        return super()._success(method, params)


# -- the buttons ------------------------------------------------------------------------------------


def sent_followup_message(slack: SlackHarness, fake: FakeSlackAPI, db: Database, kb: KnowledgeBase) -> Call:
    """Finish an interview in Slack, then send its follow-up as if 30 days had passed."""
    slack.command("/partner", IDEA)
    for _ in range(40):
        if reports(fake):
            break
        answer_current(slack, fake)
    settings = make_settings(fake, "sqlite://", PARTNERBOT_FOLLOWUP_DAYS=30)
    scheduler = FollowupScheduler(
        db,
        SlackFollowupSender(followup_client(settings), db, kb, followup_days=30),
        followup_days=30,
        clock=lambda: utcnow() + timedelta(days=31),
    )
    assert scheduler.run_once().sent == 1
    [message] = [c for c in fake.calls_to("chat.postMessage") if c.params.get("metadata")]
    return message


def test_the_button_opens_the_outcome_form_filled_in_from_the_interview(
    slack: SlackHarness, fake_slack: FakeSlackAPI, db: Database, kb: KnowledgeBase
) -> None:
    message = sent_followup_message(slack, fake_slack, db, kb)
    slack.click(message, Action.followup_log_outcome, user="U0MALLORY", hook="not-yours")
    assert "for someone else" in fake_slack.last("response_url:not-yours").params["text"]
    assert not fake_slack.calls_to("views.open")

    slack.click(message, Action.followup_log_outcome, hook="log")
    view = fake_slack.last("views.open").view()
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    [followup] = [f for f in FollowupRepository(db).list(team_id=TEAM, due_only=False) if f.status == "sent"]
    assert json.loads(view["private_metadata"]) == {"interview_id": followup.interview_id}
    interview = InterviewRepository(db).get(TEAM, followup.interview_id)
    assert interview is not None
    advice = build_report(InterviewEngine(load_flow(kb), kb).resume(interview.state), kb)

    def initial(block: str) -> list[str]:
        return [o["value"] for o in blocks[block]["element"].get("initial_options") or []]

    assert blocks[OutcomeBlock.name]["element"]["initial_value"] == IDEA[:79] + "…"
    assert initial(OutcomeBlock.sectors) == advice.sectors
    assert set(initial(OutcomeBlock.factors)) == {r.id for r in advice.risks} | {
        s.id for s in advice.strengths
    }


def test_stop_asking_declines_the_next_asks(
    slack: SlackHarness, fake_slack: FakeSlackAPI, db: Database, kb: KnowledgeBase
) -> None:
    message = sent_followup_message(slack, fake_slack, db, kb)
    slack.click(message, Action.followup_decline, hook="stop")
    reply = fake_slack.last("response_url:stop")
    assert (
        reply.params["replace_original"] is True
        and "won't ask about this partnership again" in reply.params["text"]
    )
    statuses = [f.status for f in FollowupRepository(db).list(team_id=TEAM, due_only=False)]
    assert statuses == ["sent", "declined"]


# -- the command line and the server -----------------------------------------------------------------


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_the_command_lists_sends_and_declines(
    cli_env: pytest.MonkeyPatch, db: Database, fake_slack: FakeSlackAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    due = due_followup(db, title="Vaccine data hub with the ministry")
    due_followup(db, ago=-timedelta(days=10), title="Not due yet")
    terminal = due_followup(db, user="carol", surface="terminal", team="local", title="Typed in a terminal")

    assert main(["followups"]) == 0
    listed = capsys.readouterr().out
    assert "Vaccine data hub with the ministry" in listed and "Typed in a terminal" in listed
    assert "Not due yet" not in listed and "partnerbot outcomes log --interview N" in listed
    assert main(["followups", "--all", "--team", TEAM]) == 0
    everything = capsys.readouterr().out
    assert "Not due yet" in everything and "Typed in a terminal" not in everything

    assert main(["followups", "send"]) == 2
    assert "SLACK_BOT_TOKEN is missing" in capsys.readouterr().err
    cli_env.setenv("SLACK_BOT_TOKEN", "xoxb-1111-2222-test-token-never-logged")
    cli_env.setenv("SLACK_API_URL", fake_slack.url)
    get_settings.cache_clear()
    assert main(["followups", "send"]) == 0
    assert "sent 1," in capsys.readouterr().out
    assert main(["followups", "send"]) == 0
    assert "sent 0," in capsys.readouterr().out
    assert len(posted_followup_ids(fake_slack)) == 1
    assert [f.status for f in followups_of(db, due)] == ["sent", "pending"]

    [waiting] = followups_of(db, terminal, team="local")
    assert main(["followups", "decline", str(waiting.id)]) == 0
    assert "No more follow-ups about interview" in capsys.readouterr().out
    assert [f.status for f in followups_of(db, terminal, team="local")] == ["declined"]
    assert main(["followups", "decline", "999999"]) == 1


def test_the_served_app_sends_due_followups_in_the_background_and_stops_with_it(
    db: Database, kb: KnowledgeBase, fake_slack: FakeSlackAPI, database_url: str
) -> None:
    from bot.slack.server import SlackWsgiApp

    due_followup(db)
    settings = make_settings(fake_slack, database_url)
    served = SlackWsgiApp(lambda environ, start: [], db)
    served.followups = followup_scheduler(settings, db, kb)
    served.followups.start(interval_s=0.05)
    for _ in range(400):
        if posted_followup_ids(fake_slack):
            break
        threading.Event().wait(0.05)
    assert len(posted_followup_ids(fake_slack)) == 1
    thread = served.followups._thread
    served.close()
    assert thread is not None and not thread.is_alive()
