"""Interviews that survive restarts and can be served by any process.

Saves are optimistic: each carries the version it was based on, and the database only accepts it if that
is still the stored version. A second process that loaded the same version gets `ConcurrentUpdateError`
instead of silently overwriting the first one's answer; `update()` reloads and re-applies for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row, String, bindparam, func, update
from sqlalchemy import select as core_select
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.errors import ConcurrentUpdateError, RecordNotFound
from bot.storage.tables import InterviewRow
from bot.storage.types import utcnow

Surface = Literal["dm", "thread", "terminal"]
InterviewStatus = Literal["open", "finished", "abandoned"]
SURFACES: frozenset[str] = frozenset({"dm", "thread", "terminal"})
STATUSES: frozenset[str] = frozenset({"open", "finished", "abandoned"})


class InterviewRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    team_id: str
    user_id: str
    surface: Surface
    channel_id: str | None
    thread_ts: str | None
    state: dict[str, Any]
    status: InterviewStatus
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: InterviewRow | Row[Any]) -> InterviewRecord:
        return cls.model_validate(row.model_dump() if isinstance(row, InterviewRow) else row._mapping)


# Every interview step reads one interview and saves it: two statements built once, with parameters,
# run on a plain connection. Through the ORM each cost several times the database's own time.
_TABLE = InterviewRow.__table__  # type: ignore[attr-defined]
_GET = core_select(_TABLE).where(
    _TABLE.c.team_id == bindparam("team"), _TABLE.c.id == bindparam("interview")
)
_SAVE = (
    update(_TABLE)
    .where(
        _TABLE.c.team_id == bindparam("team"),
        _TABLE.c.id == bindparam("interview"),
        _TABLE.c.version == bindparam("expected"),
    )
    .values(
        state=bindparam("new_state", type_=_TABLE.c.state.type),
        version=_TABLE.c.version + 1,
        updated_at=bindparam("now", type_=_TABLE.c.updated_at.type),
        status=func.coalesce(bindparam("new_status", type_=String), _TABLE.c.status),
    )
    .returning(*_TABLE.c)
)
_VERSION = core_select(_TABLE.c.version).where(
    _TABLE.c.team_id == bindparam("team"), _TABLE.c.id == bindparam("interview")
)


class InterviewRepository:
    """Every method takes the team: an interview of another team is simply not found."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(
        self,
        *,
        team_id: str,
        user_id: str,
        surface: str,
        state: dict[str, Any],
        channel_id: str | None = None,
        thread_ts: str | None = None,
    ) -> InterviewRecord:
        _check_choice("surface", surface, SURFACES)
        _check_text("team_id", team_id)
        _check_text("user_id", user_id)
        now = utcnow()
        row = InterviewRow(
            team_id=team_id,
            user_id=user_id,
            surface=surface,
            channel_id=channel_id,
            thread_ts=thread_ts,
            state=state,
            status="open",
            version=1,
            created_at=now,
            updated_at=now,
        )
        with self.db.session() as session:
            session.add(row)
            session.flush()
            return InterviewRecord.from_row(row)

    def get(self, team_id: str, interview_id: int) -> InterviewRecord | None:
        with self.db.engine.connect() as connection:
            row = connection.execute(_GET, {"team": team_id, "interview": interview_id}).first()
        return InterviewRecord.from_row(row) if row else None

    def save(
        self,
        team_id: str,
        interview_id: int,
        state: dict[str, Any],
        *,
        expected_version: int,
        status: str | None = None,
    ) -> InterviewRecord:
        """Store a new state if nobody saved since `expected_version`; the version then grows by one."""
        if status is not None:
            _check_choice("status", status, STATUSES)
        where = {"team": team_id, "interview": interview_id}
        with self.db.engine.begin() as connection:
            row = connection.execute(_SAVE, {**where, "expected": expected_version, "new_state": state,
                                             "now": utcnow(), "new_status": status}).first()
            if row is not None:
                return InterviewRecord.from_row(row)
            current = connection.execute(_VERSION, where).scalar()
        if current is None:
            raise RecordNotFound(f"interview {interview_id} not found")
        raise ConcurrentUpdateError("interview", interview_id, expected_version, current)

    def update(
        self,
        team_id: str,
        interview_id: int,
        change: Callable[[InterviewRecord], dict[str, Any]],
        *,
        status: str | None = None,
        attempts: int = 5,
    ) -> InterviewRecord:
        """Load, apply `change` to the stored record and save; on a conflict start again from the newer
        state, so a change made elsewhere in the meantime is kept, not overwritten."""
        for attempt in range(1, attempts + 1):
            record = self.get(team_id, interview_id)
            if record is None:
                raise RecordNotFound(f"interview {interview_id} not found")
            try:
                return self.save(
                    team_id, interview_id, change(record), expected_version=record.version, status=status
                )
            except ConcurrentUpdateError:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    def latest_open(self, team_id: str, user_id: str, surface: str | None = None) -> InterviewRecord | None:
        query = select(InterviewRow).where(
            InterviewRow.team_id == team_id, InterviewRow.user_id == user_id, InterviewRow.status == "open"
        )
        if surface is not None:
            _check_choice("surface", surface, SURFACES)
            query = query.where(InterviewRow.surface == surface)
        query = query.order_by(col(InterviewRow.updated_at).desc(), col(InterviewRow.id).desc()).limit(1)
        with self.db.session() as session:
            row = session.exec(query).first()
            return InterviewRecord.from_row(row) if row else None

    def find_by_thread(self, team_id: str, channel_id: str, thread_ts: str) -> InterviewRecord | None:
        """The newest interview started in this Slack thread, whatever its status."""
        query = (
            select(InterviewRow)
            .where(
                InterviewRow.team_id == team_id,
                InterviewRow.channel_id == channel_id,
                InterviewRow.thread_ts == thread_ts,
            )
            .order_by(col(InterviewRow.id).desc())
            .limit(1)
        )
        with self.db.session() as session:
            row = session.exec(query).first()
            return InterviewRecord.from_row(row) if row else None

    def list_open(self, team_id: str, user_id: str) -> list[InterviewRecord]:
        query = (
            select(InterviewRow)
            .where(
                InterviewRow.team_id == team_id,
                InterviewRow.user_id == user_id,
                InterviewRow.status == "open",
            )
            .order_by(col(InterviewRow.updated_at).desc(), col(InterviewRow.id).desc())
        )
        with self.db.session() as session:
            return [InterviewRecord.from_row(row) for row in session.exec(query)]


def _check_choice(name: str, value: str, allowed: frozenset[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: '{value}' is not one of {', '.join(sorted(allowed))}")


def _check_text(name: str, value: str) -> None:
    if not value or not value.strip():
        raise ValueError(f"{name}: must not be empty")
