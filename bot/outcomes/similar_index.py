"""A team's logged outcomes as an in-memory search index (see `outcome_index`), kept in step with the
database through the outcome audit trail, which gets a row for every change to an outcome (logged,
imported, edited, deleted):

- every search counts the team's audit rows of the last `LOOKBACK` (an indexed range, usually a few
  rows) and, when there are rows it has not applied, reloads just those outcomes;
- every `FULL_CHECK_S` it also compares the team's total audit rows with how many it has applied,
  and rebuilds if a change slipped past the window (a transaction that took longer than `LOOKBACK`
  to commit). Counting before reading is what makes this exact: whatever commits in between is
  either counted and read, or read now and applied again later (reloading is idempotent).

Scoring 100,000 outcomes in SQL takes hundreds of milliseconds (a GROUP BY over every shared factor
row, a scan for every word), which is why the index lives in memory: one per team and process. It
never holds names, lessons or who logged an outcome; the few outcomes a search returns are read from
the database, through the same masking as every other read.
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, literal, select, union_all
from sqlalchemy.engine import Connection

from bot.outcomes.outcome_index import SECTORS, Hit, OutcomeIndex, Query, folded_terms
from bot.storage.db import Database
from bot.storage.tables import OutcomeAuditRow, OutcomeFactorRow, OutcomeRow
from bot.storage.types import utcnow

__all__ = ["FULL_CHECK_S", "LOOKBACK", "Hit", "Query", "TeamIndex", "team_index"]

_OUTCOMES = OutcomeRow.__table__  # type: ignore[attr-defined]
_FACTORS = OutcomeFactorRow.__table__  # type: ignore[attr-defined]
_AUDIT = OutcomeAuditRow.__table__  # type: ignore[attr-defined]
_ROW = (
    _OUTCOMES.c.id,
    _OUTCOMES.c.interview_id,
    _OUTCOMES.c.status,
    _OUTCOMES.c.search_text,
    *(_OUTCOMES.c[sector] for sector in SECTORS),
)

LOOKBACK = timedelta(minutes=10)
FULL_CHECK_S = 60.0
WINDOW_CHECK_S = 5.0
STREAM_ROWS = 5000  # rows fetched at a time while building
TEAMS_PER_DATABASE = 16  # indexes kept per process and database; the least recently used goes first
REBUILD_SHARE = 0.25  # reload or carry dead entries for this share of outcomes or more: rebuild instead


class TeamIndex(OutcomeIndex):
    """One team's live outcomes. Use under `lock`: `refresh(db)`, then `search` or `group`."""

    def __init__(self, team_id: str) -> None:
        super().__init__()
        self.team_id = team_id
        self.lock = threading.Lock()
        self.builds = 0  # how many times it was (re)built, for tests and the benchmark
        self.audit_applied = 0  # audit rows reflected in the index
        self.recent: dict[int, datetime] = {}  # audit id -> when, for the rows inside the lookback window
        self.newest_at: datetime | None = None  # the newest audit time applied
        self.full_check_at = self.window_check_at = 0.0
        self.ready = False

    # -- keeping in step ---------------------------------------------------------------------------

    def refresh(self, db: Database) -> None:
        """Bring the index up to date. Each call reads the team's newest audit time (one index lookup)
        and applies what is newer; every `WINDOW_CHECK_S` it also counts the lookback window, for rows
        that committed after newer ones (PostgreSQL), and every `FULL_CHECK_S` the whole trail."""
        window_start = utcnow() - LOOKBACK
        with db.engine.connect() as connection:
            if not self.ready:
                self._build(connection, window_start)
                return
            checked = time.monotonic()
            full_check = checked - self.full_check_at >= FULL_CHECK_S
            total = self._audit_total(connection) if full_check else None
            newest = connection.scalar(select(func.max(_AUDIT.c.at)).where(_AUDIT.c.team_id == self.team_id))
            if newest is not None and (self.newest_at is None or newest > self.newest_at):
                since = max(window_start, self.newest_at) if self.newest_at else window_start
                self._apply(connection, window_start, self._audit_rows(connection, since))
            if self.ready and (full_check or checked - self.window_check_at >= WINDOW_CHECK_S):
                self.window_check_at = checked
                self._forget_before(window_start)  # (between checks, older rows only cost a little memory)
                if self._recent_count(connection, window_start) != len(self.recent):
                    self._apply(connection, window_start, self._audit_rows(connection, window_start))
            if total is not None and self.ready:
                self.full_check_at = checked
                if total > self.audit_applied:  # a change committed outside the window: start over
                    self._build(connection, window_start)

    def _build(self, connection: Connection, window_start: datetime) -> None:
        OutcomeIndex.__init__(self)
        total, newest, recent = self._audit_snapshot(
            connection, window_start
        )  # before the data: see module doc
        for row in self._outcome_rows(connection, None):
            self._add(row, bulk=True)
        self.index_bitsets()
        self.audit_applied = total
        self.recent = recent
        self.newest_at = newest
        self.full_check_at = self.window_check_at = time.monotonic()
        self.builds += 1
        self.ready = True

    def _audit_snapshot(
        self, connection: Connection, window_start: datetime
    ) -> tuple[int, datetime | None, dict[int, datetime]]:
        """The team's audit row count, newest time and recent rows, from one statement (one snapshot)."""
        team = _AUDIT.c.team_id == self.team_id
        total = select(
            literal(-1).label("id"), func.max(_AUDIT.c.at).label("at"), func.count().label("n")
        ).where(team)
        recent = select(_AUDIT.c.id, _AUDIT.c.at, literal(0).label("n")).where(
            team, _AUDIT.c.at >= window_start
        )
        count, newest, rows = 0, None, {}
        for audit_id, at, n in connection.execute(union_all(total, recent)):
            if audit_id == -1:
                count, newest = int(n), at
            else:
                rows[int(audit_id)] = at
        return count, newest, rows

    def _audit_total(self, connection: Connection) -> int:
        return int(connection.scalar(select(func.count()).where(_AUDIT.c.team_id == self.team_id)) or 0)

    def _recent_count(self, connection: Connection, window_start: datetime) -> int:
        return int(
            connection.scalar(
                select(func.count()).where(_AUDIT.c.team_id == self.team_id, _AUDIT.c.at >= window_start)
            )
            or 0
        )

    def _forget_before(self, window_start: datetime) -> None:
        self.recent = {audit_id: at for audit_id, at in self.recent.items() if at >= window_start}

    def _audit_rows(self, connection: Connection, since: datetime) -> list[Any]:
        return list(
            connection.execute(
                select(_AUDIT.c.id, _AUDIT.c.outcome_id, _AUDIT.c.at).where(
                    _AUDIT.c.team_id == self.team_id, _AUDIT.c.at >= since
                )
            )
        )

    def _apply(self, connection: Connection, window_start: datetime, rows: list[Any]) -> None:
        """Reload the outcomes that audit rows not seen yet point at (a rebuild when that is most)."""
        new = {audit_id: at for audit_id, _, at in rows if audit_id not in self.recent}
        if not new:
            return
        changed = {outcome_id for audit_id, outcome_id, _ in rows if audit_id in new}
        if len(changed) >= max(64, REBUILD_SHARE * self.live):
            self._build(connection, window_start)
            return
        self._reload(connection, changed)
        self.recent.update(new)
        self.newest_at = max(self.newest_at or min(new.values()), *new.values())
        self.audit_applied += len(new)
        if self.dead > max(64, REBUILD_SHARE * len(self.ids)):
            self._build(connection, window_start)

    def _reload(self, connection: Connection, outcome_ids: set[int]) -> None:
        rows = list(self._outcome_rows(connection, outcome_ids))
        for outcome_id in outcome_ids:
            self.remove(outcome_id)
        for row in rows:
            self._add(row)

    def _outcome_rows(self, connection: Connection, outcome_ids: set[int] | None) -> Iterable[Any]:
        """The team's live outcomes (or these of them), oldest first, each with its factors as one string."""
        factors = (
            select(_FACTORS.c.outcome_id, func.aggregate_strings(_FACTORS.c.factor_id, " ").label("factors"))
            .where(_FACTORS.c.team_id == self.team_id, _FACTORS.c.deleted.is_(False))
            .group_by(_FACTORS.c.outcome_id)
        )
        live = [_OUTCOMES.c.team_id == self.team_id, _OUTCOMES.c.deleted_at.is_(None)]
        if outcome_ids is not None:
            factors = factors.where(_FACTORS.c.outcome_id.in_(outcome_ids))
            live.append(_OUTCOMES.c.id.in_(outcome_ids))
        joined = factors.subquery()
        query = (
            select(*_ROW, joined.c.factors)
            .outerjoin(joined, joined.c.outcome_id == _OUTCOMES.c.id)
            .where(*live)
            .order_by(_OUTCOMES.c.id)
        )
        return connection.execute(query.execution_options(yield_per=STREAM_ROWS))

    def _add(self, row: Any, *, bulk: bool = False) -> None:
        """`row` is (id, interview id, status, search text, *sector flags, factor ids joined by spaces)."""
        outcome_id, interview_id, status, search_text, *flags, factors = row
        sectors = [sector for sector, flag in zip(SECTORS, flags, strict=True) if flag]
        factor_ids = [sys.intern(f) for f in factors.split()] if factors else []
        self.add(
            outcome_id, interview_id, status, sectors, factor_ids, folded_terms(search_text or ""), bulk=bulk
        )


_INDEXES: weakref.WeakKeyDictionary[Engine, OrderedDict[str, TeamIndex]] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def team_index(db: Database, team_id: str) -> TeamIndex:
    """This process's index of the team's outcomes in this database (created empty; `refresh` fills it)."""
    with _INDEXES_LOCK:
        teams = _INDEXES.setdefault(db.engine, OrderedDict())
        index = teams.get(team_id)
        if index is None:
            index = teams[team_id] = TeamIndex(team_id)
            while len(teams) > TEAMS_PER_DATABASE:
                teams.popitem(last=False)
        teams.move_to_end(team_id)
        return index
