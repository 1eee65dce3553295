"""Two writers on one interview: one wins, the other is told (or retries on top); no answer is lost."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage.db import Database, open_database
from bot.storage.errors import ConcurrentUpdateError
from bot.storage.interviews import InterviewRepository

WRITER = Path(__file__).with_name("interview_writer.py")


def test_two_processes_appending_answers_lose_none(db: Database, database_url: str) -> None:
    repo = InterviewRepository(db)
    interview = repo.create(team_id="T1", user_id="U1", surface="dm", state={"answers": []})
    per_writer = 30
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), database_url, "T1", str(interview.id), name, str(per_writer)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:  # start both at once
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err
    final = repo.get("T1", interview.id)
    assert final is not None
    expected = {f"{name}-{n}" for name in ("left", "right") for n in range(per_writer)}
    assert sorted(final.state["answers"]) == sorted(expected)  # every answer, each exactly once
    assert final.version == 1 + 2 * per_writer
    for name in ("left", "right"):  # each writer's own answers stay in the order it gave them
        mine = [a for a in final.state["answers"] if a.startswith(name)]
        assert mine == [f"{name}-{n}" for n in range(per_writer)]


def test_two_sessions_saving_the_same_version_one_wins(db: Database, database_url: str) -> None:
    """Two separate engines (two connection pools, as in two processes) both loaded version 1."""
    other = open_database(database_url, migrate=False)
    try:
        mine, theirs = InterviewRepository(db), InterviewRepository(other)
        interview = mine.create(team_id="T1", user_id="U1", surface="dm", state={"answers": []})
        first = mine.get("T1", interview.id)
        second = theirs.get("T1", interview.id)
        assert first is not None and second is not None
        mine.save("T1", interview.id, {"answers": ["from one"]}, expected_version=first.version)
        with pytest.raises(ConcurrentUpdateError):
            theirs.save("T1", interview.id, {"answers": ["from two"]}, expected_version=second.version)
        merged = theirs.update(
            "T1", interview.id, lambda record: {"answers": [*record.state["answers"], "from two"]}
        )
        assert merged.state == {"answers": ["from one", "from two"]} and merged.version == 3
    finally:
        other.dispose()


@pytest.mark.postgres
def test_a_save_waiting_on_a_row_lock_loses_to_the_holder(pg_schema_url: str) -> None:
    """PostgreSQL, two real connections: connection 1 has updated the row but not committed; the
    repository's save on connection 2 blocks on the row lock, and once 1 commits, 2 is refused."""
    db = open_database(pg_schema_url)
    repo = InterviewRepository(db)
    interview = repo.create(team_id="T1", user_id="U1", surface="dm", state={"answers": []})
    holder = db.engine.connect()
    transaction = holder.begin()
    outcome: dict[str, object] = {}
    waiter = threading.Thread(target=lambda: outcome.update(result=_save_or_conflict(repo, interview.id)))
    try:
        holder_pid = holder.execute(text("SELECT pg_backend_pid()")).scalar()
        holder.execute(
            text(
                "UPDATE interviews SET version = version + 1, state = CAST(:state AS jsonb) WHERE id = :id AND version = 1"
            ),
            {"state": '{"answers": ["holder"]}', "id": interview.id},
        )
        waiter.start()
        _wait_until_blocked_by(db, holder_pid, outcome)
        assert "result" not in outcome  # still waiting for the lock
        transaction.commit()
    finally:
        if transaction.is_active:
            transaction.rollback()
        holder.close()
        if waiter.is_alive() or waiter.ident is not None:
            waiter.join(timeout=120)
    try:
        assert isinstance(outcome.get("result"), ConcurrentUpdateError), outcome
        stored = repo.get("T1", interview.id)
        assert stored is not None and stored.state == {"answers": ["holder"]} and stored.version == 2
    finally:
        db.dispose()


def _save_or_conflict(repo: InterviewRepository, interview_id: int) -> object:
    try:
        return repo.save("T1", interview_id, {"answers": ["waiter"]}, expected_version=1)
    except ConcurrentUpdateError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  (reported by the assertion in the test)
        return exc


def _wait_until_blocked_by(db: Database, pid: int, outcome: dict[str, object]) -> None:
    """Poll the server until some backend is waiting on `pid`'s lock (a condition, not a timing)."""
    with db.engine.connect() as observer:
        for _ in range(2400):
            waiting = observer.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                {"pid": pid},
            ).scalar()
            observer.rollback()
            if waiting:
                return
            if "result" in outcome:
                raise AssertionError(f"the second save did not wait for the row lock: {outcome['result']!r}")
            time.sleep(0.05)
    raise AssertionError("the second save never waited for the row lock")
