"""Faults a production server meets: a process killed mid-interview, a database that goes away for a
while, and a server stopped with SIGTERM while it is working."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from fake_slack_api import FakeSlackAPI
from interview_driver import ALICE, questions
from interview_steps import IDEA, answer, next_question, open_interview, steps_taken, stored, token_of
from served_bot import WAIT_S, HttpSlack, ServedBot, http_request, serve_env, wait_for
from sqlalchemy.engine import make_url
from tcp_proxy import TcpProxy

from bot.slack.middleware import DATABASE_DOWN


@pytest.fixture
def servers(tmp_path: Path):
    """Every server a test starts is stopped (and any worker left behind killed) when it ends."""
    started: list[ServedBot] = []

    def start(env: dict[str, str]) -> ServedBot:
        bot = ServedBot(env, tmp_path)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()
        print(f"--- server {bot.process.pid} output ---\n{bot.output}")  # shown when a test fails


# -- SIGKILL ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("last_step", ["typed", "click"])
def test_a_server_killed_mid_interview_keeps_every_acknowledged_answer(
    servers, fake_slack: FakeSlackAPI, database_url: str, last_step: str
) -> None:
    first = servers(serve_env(fake_slack, database_url))
    slack = HttpSlack(first.base_url, fake_slack)
    assert slack.command("/partner", "").status == 200
    question = wait_for(lambda: next_question(fake_slack, 0), "the first question")
    interview_id = open_interview(database_url).id
    acknowledged = 0
    steps = 1 if last_step == "typed" else 3
    for step in range(steps):
        seen = len(questions(fake_slack))
        assert answer(slack, question).status == 200
        acknowledged += 1
        if step < steps - 1:
            question = wait_for(lambda seen=seen: next_question(fake_slack, seen), "the next question")
    first.kill()  # straight after the last acknowledgement, whatever the server was still doing

    kept = stored(database_url, interview_id)
    assert steps_taken(kept) == acknowledged, "every acknowledged answer is stored, once"
    if last_step == "typed":
        assert kept.state["answers"]["purpose"]["value"] == IDEA

    # A fresh Web API stand-in: calls the killed server had in flight cannot be mistaken for new ones.
    with FakeSlackAPI() as after:
        second = servers(serve_env(after, database_url))
        slack = HttpSlack(second.base_url, after)
        assert slack.command("/partner", "resume").status == 200
        question = wait_for(lambda: next_question(after, 0), "the question shown again after the restart")
        assert answer(slack, question).status == 200
        wait_for(lambda: next_question(after, 1), "the interview to go on")
    assert steps_taken(stored(database_url, interview_id)) == acknowledged + 1


# -- the database goes away ------------------------------------------------------------------------

def test_an_unreachable_database_asks_people_to_try_again_and_the_server_recovers_by_itself(
    servers, fake_slack: FakeSlackAPI, postgres_url: str
) -> None:
    url = make_url(postgres_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        bot = servers(serve_env(fake_slack, proxied))
        slack = HttpSlack(bot.base_url, fake_slack)
        slack.command("/partner", "")
        assert answer(slack, wait_for(lambda: next_question(fake_slack, 0), "the first question")).status == 200
        question = wait_for(lambda: next_question(fake_slack, 1), "the second question")
        interview_id = token_of(question)["i"]

        proxy.stop()
        assert http_request(f"{bot.base_url}/healthz").status == 503
        assert answer(slack, question).status == 200
        told = wait_for(lambda: fake_slack.calls_to("response_url:click"), "the click's reply")[-1]
        assert told.params["text"] == DATABASE_DOWN and told.params["response_type"] == "ephemeral"
        assert slack.dm("Here is one more thing about the partner.").status == 200
        note = wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"), "the typed reply's note")[-1]
        assert note.params["text"] == DATABASE_DOWN and note.params["user"] == ALICE
        assert steps_taken(stored(postgres_url, interview_id)) == 1, "nothing was half-written"

        proxy.start()
        wait_for(lambda: http_request(f"{bot.base_url}/healthz").status == 200, "the health check to recover")
        assert answer(slack, question).status == 200
        wait_for(lambda: next_question(fake_slack, 2), "the interview to go on")
        assert steps_taken(stored(postgres_url, interview_id)) == 2
        assert bot.process.poll() is None and bot.output.count("Booting worker") == 1, "no restart was needed"
        assert '"level": "ERROR"' not in bot.output, "an outage is expected, not a bug"


# -- SIGTERM ---------------------------------------------------------------------------------------

class GatedSlackAPI(FakeSlackAPI):
    """The fake Web API, except that the methods in `held` wait until `release()`: a slow Slack."""

    def __init__(self) -> None:
        super().__init__()
        self.held: set[str] = set()
        self.waiting = threading.Event()
        self._gate = threading.Event()

    def release(self) -> None:
        self._gate.set()

    def _success(self, method: str, params: dict) -> dict:
        if method in self.held:
            self.waiting.set()
            self._gate.wait(WAIT_S)
        return super()._success(method, params)


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_sigterm_stops_taking_requests_and_finishes_acknowledged_work(servers, tmp_path: Path) -> None:
    with GatedSlackAPI() as fake:
        bot = servers(serve_env(fake, f"sqlite:///{tmp_path / 'stop.db'}"))
        slack = HttpSlack(bot.base_url, fake)
        fake.held = {"chat.postMessage"}
        assert slack.command("/partner", "").status == 200  # acknowledged; the question is still to be posted
        assert fake.waiting.wait(WAIT_S)

        bot.terminate()
        wait_for(lambda: refuses_connections(bot.port), "the server to stop taking connections")
        assert bot.process.poll() is None, "still finishing the acknowledged work"
        fake.release()
        assert bot.wait() == 0
        posted = questions(fake)
        assert len(posted) == 1 and posted[0].response["ok"], "the question went out before the exit"
        assert "Traceback" not in bot.output and '"level": "ERROR"' not in bot.output


def test_sigterm_lets_a_request_in_flight_finish(servers, fake_slack: FakeSlackAPI, postgres_url: str) -> None:
    import psycopg

    bot = servers(serve_env(fake_slack, postgres_url))
    slack = HttpSlack(bot.base_url, fake_slack)
    slack.command("/partner", IDEA)
    question = wait_for(lambda: next_question(fake_slack, 0), "the first question")
    interview_id = token_of(question)["i"]
    before = steps_taken(stored(postgres_url, interview_id))

    url = make_url(postgres_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as locker:
        locker.execute("SELECT id FROM interviews WHERE id = %s FOR UPDATE", (interview_id,))
        replies: list = []
        clicking = threading.Thread(target=lambda: replies.append(answer(slack, question)))
        clicking.start()

        def click_waits_on_the_lock() -> bool:
            # Asked on a connection of its own: one transaction sees one snapshot of pg_stat_activity.
            with psycopg.connect(libpq, autocommit=True) as watcher:
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE 'UPDATE interviews%%'").fetchone()
            return bool(waiting and waiting[0])

        wait_for(click_waits_on_the_lock, "the click to wait on the locked row")
        bot.terminate()
        assert bot.process.poll() is None and not replies, "the click is still in flight"
        locker.rollback()  # the lock goes; the click's save goes through
    clicking.join(WAIT_S)
    assert replies and replies[0].status == 200
    assert bot.wait() == 0
    assert steps_taken(stored(postgres_url, interview_id)) == before + 1
    assert len(questions(fake_slack)) == 2, "and the next question was posted before the exit"
