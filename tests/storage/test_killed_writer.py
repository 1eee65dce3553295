"""A writer killed with SIGKILL loses at most the write in flight and leaves the database consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.storage.db import Database
from bot.storage.tables import OutcomeAuditRow, OutcomeFactorRow, OutcomeRow

WRITER = Path(__file__).with_name("outcome_writer.py")
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def start_writer(url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, "T1", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def read_until(writer: subprocess.Popen[str], stop: str, *, after: int = 0) -> list[int]:
    """Committed ids reported by the writer until a line equal to `stop` (or `after` commits)."""
    assert writer.stdout is not None
    committed: list[int] = []
    for line in writer.stdout:
        line = line.strip()
        if line.startswith("committed "):
            committed.append(int(line.split()[1]))
            if after and len(committed) >= after:
                return committed
        elif line == stop:
            return committed
    raise AssertionError(f"writer ended early: {writer.stderr.read() if writer.stderr else ''}")


def kill(writer: subprocess.Popen[str]) -> list[int]:
    """SIGKILL the writer; returns the commits it reported that were not read yet."""
    os.kill(writer.pid, signal.SIGKILL)
    out, _ = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith("committed ")]


def assert_consistent(db: Database) -> int:
    """Every stored outcome is whole: its factors and its audit entry, and the factor rows agree with
    their outcome; returns the count."""
    with db.session() as session:
        outcomes = session.scalar(select(func.count()).select_from(OutcomeRow)) or 0
        disagreeing = session.scalar(
            select(func.count())
            .select_from(OutcomeFactorRow)
            .join(OutcomeRow, OutcomeRow.id == OutcomeFactorRow.outcome_id)  # type: ignore[arg-type]
            .where(
                (OutcomeFactorRow.status != OutcomeRow.status)  # type: ignore[arg-type]
                | (OutcomeFactorRow.team_id != OutcomeRow.team_id)  # type: ignore[arg-type]
                | (OutcomeFactorRow.deleted != OutcomeRow.deleted_at.isnot(None))  # type: ignore[union-attr]
            )
        )
        assert disagreeing == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(OutcomeRow)
                .where(~(OutcomeRow.nonprofit | OutcomeRow.industry | OutcomeRow.government))  # type: ignore[operator]
            )
            == 0
        )
        for table, per_outcome in ((OutcomeFactorRow, 3), (OutcomeAuditRow, 1)):
            counts = session.execute(
                select(OutcomeRow.id, func.count(table.outcome_id))  # type: ignore[attr-defined]
                .select_from(OutcomeRow)
                .outerjoin(table, table.outcome_id == OutcomeRow.id)  # type: ignore[attr-defined]
                .group_by(OutcomeRow.id)
            ).all()
            assert len(counts) == outcomes
            assert {n for _, n in counts} <= {per_outcome}, f"half-written rows in {table.__tablename__}"  # type: ignore[attr-defined]
            orphans = session.scalar(
                select(func.count()).select_from(table).where(~table.outcome_id.in_(select(OutcomeRow.id)))  # type: ignore[attr-defined]
            )
            assert orphans == 0
        if db.dialect == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
    return int(outcomes)


def test_killed_between_writing_and_committing_loses_only_that_write(
    db: Database, database_url: str, kb: KnowledgeBase
) -> None:
    writer = start_writer(database_url, "6")
    committed = read_until(writer, "in-flight")
    assert len(committed) == 5
    assert kill(writer) == []
    assert assert_consistent(db) == 5
    service = OutcomeService(db, kb, "T1")
    assert sorted(r.id for r in service.list()) == sorted(committed)
    # The dead writer held the write lock (SQLite) or an open transaction (PostgreSQL): both are gone.
    after = service.log(
        {"name": "After the crash", "sectors": ["government"], "region": "other", "status": "ongoing"}
    )
    assert service.show(after.id).name == "After the crash"


def test_killed_at_an_arbitrary_moment_keeps_every_committed_write(
    db: Database, database_url: str, kb: KnowledgeBase
) -> None:
    writer = start_writer(database_url)
    committed = read_until(writer, "", after=40)
    committed += kill(writer)
    stored = {r.id for r in OutcomeService(db, kb, "T1").list(limit=1000)}
    assert set(committed) <= stored  # nothing it reported as committed is lost
    assert len(stored) - len(committed) <= 1  # the one write it may have committed but not reported
    assert assert_consistent(db) == len(stored)
