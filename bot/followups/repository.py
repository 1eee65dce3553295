"""Follow-ups in SQL: scheduling one when advice is given, and claiming due ones so each is sent once.

Claiming is one UPDATE that moves due rows from `pending` to `sending` under a fresh token. On
PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, so concurrent schedulers take different
rows instead of waiting; SQLite runs one writer at a time, so the same UPDATE is atomic there. Every
later change (sent, failed, released for a retry) names the token, so a process whose claim was taken
over after a stall cannot overwrite what the new owner did.

A follow-up whose interview has a logged outcome is never sent: the claim skips it and
`close_answered` marks it closed, whichever way the outcome was logged (Slack, command line, import).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bot.followups.models import SLACK_SURFACES, Followup
from bot.storage.db import Database
from bot.storage.tables import FollowupRow, OutcomeRow
from bot.storage.types import utcnow

_FOLLOWUPS = FollowupRow.__table__  # type: ignore[attr-defined]
_OUTCOMES = OutcomeRow.__table__  # type: ignore[attr-defined]
# A claim older than this is taken to belong to a process that stopped mid-send; sending takes seconds.
CLAIM_TIMEOUT = timedelta(minutes=10)
TITLE_MAX = 200
ERROR_MAX = 200


def _answered() -> Any:
    """The follow-up's interview has a live outcome logged against it."""
    return exists().where(
        _OUTCOMES.c.team_id == _FOLLOWUPS.c.team_id,
        _OUTCOMES.c.interview_id == _FOLLOWUPS.c.interview_id,
        _OUTCOMES.c.deleted_at.is_(None),
    )


def _claimable(now: datetime) -> Any:
    stale = now - CLAIM_TIMEOUT
    return or_(
        and_(_FOLLOWUPS.c.status == "pending", _FOLLOWUPS.c.due_at <= now),
        and_(_FOLLOWUPS.c.status == "sending", _FOLLOWUPS.c.claimed_at < stale),
    )


def _record(row: Any) -> Followup:
    return Followup.model_validate(dict(row))


class FollowupRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- scheduling ------------------------------------------------------------------------------

    def schedule(
        self,
        *,
        team_id: str,
        interview_id: int,
        user_id: str,
        surface: str,
        title: str,
        due_at: datetime,
        ask: int = 1,
    ) -> bool:
        """Create this ask unless it exists (advice stored twice schedules once); True when created."""
        now = utcnow()
        values = {
            "team_id": team_id,
            "interview_id": interview_id,
            "user_id": user_id,
            "surface": surface,
            "ask": ask,
            "title": " ".join(title.split())[:TITLE_MAX],
            "status": "pending",
            "due_at": due_at,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        with self.db.session() as session:
            return self._insert_once(session, values)

    def _insert_once(self, session: Any, values: dict[str, Any]) -> bool:
        dialect = self.db.dialect
        if dialect in {"sqlite", "postgresql"}:
            insert_ = sqlite_insert if dialect == "sqlite" else pg_insert
            statement = (
                insert_(_FOLLOWUPS)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["team_id", "interview_id", "ask"])
                .returning(_FOLLOWUPS.c.id)
            )
            return session.execute(statement).first() is not None
        try:
            with session.begin_nested():
                session.execute(insert(_FOLLOWUPS).values(**values))
            return True
        except IntegrityError:
            return False

    # -- the scheduler's side ----------------------------------------------------------------------

    def close_answered(self, now: datetime | None = None) -> int:
        """Close every pending follow-up whose partnership has an outcome logged; returns how many."""
        now = now or utcnow()
        with self.db.session() as session:
            result = session.execute(
                update(_FOLLOWUPS)
                .where(_FOLLOWUPS.c.status == "pending", _answered())
                .values(status="closed", updated_at=now)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def claim_due(
        self, token: str, *, limit: int, now: datetime | None = None, surfaces: Sequence[str] = SLACK_SURFACES
    ) -> list[Followup]:
        """Take up to `limit` due follow-ups (and stalled claims) for this `token`; nobody else gets them."""
        now = now or utcnow()
        pick = (
            select(_FOLLOWUPS.c.id)
            .where(_claimable(now), _FOLLOWUPS.c.surface.in_(list(surfaces)), ~_answered())
            .order_by(_FOLLOWUPS.c.due_at, _FOLLOWUPS.c.id)
            .limit(limit)
        )
        if self.db.dialect == "postgresql":
            # Picked once, in a materialised CTE: inside `id IN (subquery)` PostgreSQL may run a locking
            # subquery again for every row it updates, and then its LIMIT no longer limits anything.
            picked = pick.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
            chosen = _FOLLOWUPS.c.id == picked.c.id
        else:
            chosen = _FOLLOWUPS.c.id.in_(pick.scalar_subquery())
        statement = (
            update(_FOLLOWUPS)
            .where(chosen, _claimable(now))
            .values(
                status="sending",
                claim_token=token,
                claimed_at=now,
                attempts=_FOLLOWUPS.c.attempts + 1,
                updated_at=now,
            )
            .returning(*_FOLLOWUPS.c)
        )
        with self.db.session() as session:
            claimed = [_record(row) for row in session.execute(statement).mappings()]
        return sorted(claimed, key=lambda f: (f.due_at, f.id))

    def mark_sent(
        self,
        followup: Followup,
        token: str,
        message_ref: str,
        *,
        next_due: datetime | None,
        now: datetime | None = None,
    ) -> bool:
        """Record the delivery and, unless this was the last ask, schedule the next one, in one
        transaction. False when the claim is no longer ours (nothing is changed then)."""
        now = now or utcnow()
        with self.db.session() as session:
            result = session.execute(
                update(_FOLLOWUPS)
                .where(
                    _FOLLOWUPS.c.id == followup.id,
                    _FOLLOWUPS.c.claim_token == token,
                    _FOLLOWUPS.c.status == "sending",
                )
                .values(
                    status="sent", sent_at=now, message_ref=message_ref[:128], last_error=None, updated_at=now
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            if next_due is not None:
                self._insert_once(
                    session,
                    {
                        **{
                            key: getattr(followup, key)
                            for key in ("team_id", "interview_id", "user_id", "surface", "title")
                        },
                        "ask": followup.ask + 1,
                        "status": "pending",
                        "due_at": next_due,
                        "attempts": 0,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            return True

    def release(self, followup_id: int, token: str, reason: str, *, retry_at: datetime) -> bool:
        """Give a claim back after a passing failure: it is due again at `retry_at`."""
        return self._finish_claim(
            followup_id,
            token,
            status="pending",
            due_at=retry_at,
            claim_token=None,
            last_error=reason[:ERROR_MAX],
        )

    def mark_failed(self, followup_id: int, token: str, reason: str) -> bool:
        return self._finish_claim(followup_id, token, status="failed", last_error=reason[:ERROR_MAX])

    def _finish_claim(self, followup_id: int, token: str, **values: Any) -> bool:
        with self.db.session() as session:
            result = session.execute(
                update(_FOLLOWUPS)
                .where(
                    _FOLLOWUPS.c.id == followup_id,
                    _FOLLOWUPS.c.claim_token == token,
                    _FOLLOWUPS.c.status == "sending",
                )
                .values(**values, updated_at=utcnow())
            )
            return result.rowcount == 1  # type: ignore[attr-defined]

    # -- people's side -----------------------------------------------------------------------------

    def get(self, team_id: str, followup_id: int) -> Followup | None:
        with self.db.session() as session:
            row = (
                session.execute(
                    select(_FOLLOWUPS).where(_FOLLOWUPS.c.team_id == team_id, _FOLLOWUPS.c.id == followup_id)
                )
                .mappings()
                .first()
            )
            return _record(row) if row else None

    def decline(self, team_id: str, interview_id: int) -> int:
        """The person asked not to be asked again about this partnership; returns the asks cancelled."""
        with self.db.session() as session:
            result = session.execute(
                update(_FOLLOWUPS)
                .where(
                    _FOLLOWUPS.c.team_id == team_id,
                    _FOLLOWUPS.c.interview_id == interview_id,
                    _FOLLOWUPS.c.status == "pending",
                )
                .values(status="declined", updated_at=utcnow())
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def list(
        self,
        *,
        team_id: str | None = None,
        due_only: bool = True,
        now: datetime | None = None,
        limit: int = 200,
    ) -> list[Followup]:
        """Soonest first. `due_only`: pending, due and not answered by a logged outcome, i.e. what the
        next scheduler run would send (or, for terminal interviews, what is waiting for the person)."""
        now = now or utcnow()
        query = select(_FOLLOWUPS)
        if team_id is not None:
            query = query.where(_FOLLOWUPS.c.team_id == team_id)
        if due_only:
            query = query.where(_FOLLOWUPS.c.status == "pending", _FOLLOWUPS.c.due_at <= now, ~_answered())
        query = query.order_by(_FOLLOWUPS.c.due_at, _FOLLOWUPS.c.id).limit(limit)
        with self.db.session() as session:
            return [_record(row) for row in session.execute(query).mappings()]

    def count(self, *, team_id: str | None = None, due_only: bool = True, now: datetime | None = None) -> int:
        now = now or utcnow()
        query = select(func.count()).select_from(_FOLLOWUPS)
        if team_id is not None:
            query = query.where(_FOLLOWUPS.c.team_id == team_id)
        if due_only:
            query = query.where(_FOLLOWUPS.c.status == "pending", _FOLLOWUPS.c.due_at <= now, ~_answered())
        with self.db.session() as session:
            return int(session.scalar(query) or 0)


def schedule_after_advice(
    db: Database,
    *,
    team_id: str,
    interview_id: int,
    user_id: str,
    surface: str,
    title: str,
    days: int,
) -> bool:
    """The first ask about a partnership, due `days` after the advice that was just stored."""
    return FollowupRepository(db).schedule(
        team_id=team_id,
        interview_id=interview_id,
        user_id=user_id,
        surface=surface,
        title=title,
        due_at=utcnow() + timedelta(days=days),
    )
