"""Outcome logs in SQL. Every statement filters on the team, and soft-deleted rows are invisible.

Stats are computed by the database (GROUP BY over covering indexes, no joins), not by loading rows
into Python, so they stay fast with a hundred thousand outcomes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, select, true, update
from sqlalchemy.orm import Session
from sqlmodel import col

from bot.outcomes.models import SECTOR_ORDER, AuditEntry, OutcomeIn, OutcomeRecord
from bot.storage.db import Database
from bot.storage.tables import InterviewRow, OutcomeAuditRow, OutcomeFactorRow, OutcomeRow
from bot.storage.types import utcnow

# Rows written per statement and table: an import of a large file takes a few round trips, not one per row.
_BATCH = 1000
# Bulk writes go through the plain tables (Core), which skips the ORM's per-row bookkeeping.
_OUTCOMES = OutcomeRow.__table__  # type: ignore[attr-defined]
_FACTORS = OutcomeFactorRow.__table__  # type: ignore[attr-defined]
_AUDIT = OutcomeAuditRow.__table__  # type: ignore[attr-defined]
SECTOR_COLUMNS = tuple(sector.value for sector in SECTOR_ORDER)


def searchable(*parts: str) -> str:
    """How text is stored and searched: Unicode-normalised and case-folded ("Straße" finds "STRASSE")."""
    return unicodedata.normalize("NFKC", "\n".join(parts)).casefold()


def _sector_flags(data: OutcomeIn) -> dict[str, bool]:
    chosen = {sector.value for sector in data.sectors}
    return {column: column in chosen for column in SECTOR_COLUMNS}


def _search_text(data: OutcomeIn) -> str:
    return searchable(data.name, *data.partners, data.lesson)


@dataclass(frozen=True)
class NewOutcome:
    """An outcome ready to store, with who logged it and when (imports keep the original values)."""

    data: OutcomeIn
    logged_by: str | None
    logged_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class OutcomeQuery:
    status: str | None = None
    sector: str | None = None
    factor: str | None = None
    text: str | None = None


class OutcomeRepository:
    def __init__(self, db: Database, team_id: str) -> None:
        if not team_id:
            raise ValueError("team_id: must not be empty")
        self.db = db
        self.team_id = team_id

    # -- writing ---------------------------------------------------------------------------------

    def insert(
        self, items: Sequence[NewOutcome], *, actor: str | None, action: str = "created"
    ) -> list[OutcomeRecord]:
        """Store all items in one transaction: either every one is written or none is."""
        records: list[OutcomeRecord] = []
        with self.db.session() as session:
            for start in range(0, len(items), _BATCH):
                batch = items[start : start + _BATCH]
                ids = self._insert_batch(session, batch, actor, action)
                records += [
                    self._record(outcome_id, item) for outcome_id, item in zip(ids, batch, strict=True)
                ]
        return records

    def _insert_batch(
        self, session: Session, items: Sequence[NewOutcome], actor: str | None, action: str
    ) -> list[int]:
        rows = [
            {
                "team_id": self.team_id,
                "name": item.data.name,
                "partners": item.data.partners,
                **_sector_flags(item.data),
                "search_text": _search_text(item.data),
                "region": item.data.region.value,
                "status": item.data.status.value,
                "lesson": item.data.lesson,
                "interview_id": item.data.interview_id,
                "logged_by": item.logged_by,
                "anonymous": item.data.anonymous,
                "logged_at": item.logged_at,
                "updated_at": item.updated_at,
                "deleted_at": None,
            }
            for item in items
        ]
        statement = insert(_OUTCOMES).returning(_OUTCOMES.c.id, sort_by_parameter_order=True)
        ids = [int(outcome_id) for outcome_id in session.execute(statement, rows).scalars()]
        factors = [
            self._factor_row(outcome_id, factor_id, position, item.data.status.value)
            for outcome_id, item in zip(ids, items, strict=True)
            for position, factor_id in enumerate(item.data.factors)
        ]
        now = utcnow()
        audit = [
            {
                "team_id": self.team_id,
                "outcome_id": outcome_id,
                "action": action,
                "actor": actor,
                "at": now,
                "changes": {},
            }
            for outcome_id in ids
        ]
        if factors:
            session.execute(insert(_FACTORS), factors)
        session.execute(insert(_AUDIT), audit)
        return ids

    def _record(self, outcome_id: int, item: NewOutcome) -> OutcomeRecord:
        return OutcomeRecord(
            id=outcome_id,
            team_id=self.team_id,
            **item.data.model_dump(
                include={"name", "partners", "sectors", "region", "status", "factors", "lesson"}
            ),
            interview_id=item.data.interview_id,
            logged_by=item.logged_by,
            anonymous=item.data.anonymous,
            logged_at=item.logged_at,
            updated_at=item.updated_at,
        )

    def _factor_row(self, outcome_id: int, factor_id: str, position: int, status: str) -> dict[str, Any]:
        return {
            "outcome_id": outcome_id,
            "factor_id": factor_id,
            "position": position,
            "team_id": self.team_id,
            "status": status,
            "deleted": False,
        }

    def replace(
        self, outcome_id: int, data: OutcomeIn, *, actor: str | None, changes: dict[str, Any]
    ) -> None:
        """Write the changed fields (the keys of `changes`, values from `data`) and audit them, in one
        transaction; fields someone else changed meanwhile are left as they are."""
        with self.db.session() as session:
            row = self._live_row(session, outcome_id, lock=True)
            if row is None:
                raise LookupError(outcome_id)
            for field in ("name", "partners", "region", "status", "lesson", "interview_id", "anonymous"):
                if field in changes:
                    value = getattr(data, field)
                    setattr(row, field, getattr(value, "value", value))
            if "sectors" in changes:
                for column, flag in _sector_flags(data).items():
                    setattr(row, column, flag)
            row.search_text = searchable(row.name, *row.partners, row.lesson)
            row.updated_at = utcnow()
            session.add(row)
            factors = self._factors_of(outcome_id)
            if "factors" in changes:
                session.execute(delete(OutcomeFactorRow).where(factors))
                if data.factors:
                    session.execute(
                        insert(_FACTORS),
                        [self._factor_row(outcome_id, f, i, row.status) for i, f in enumerate(data.factors)],
                    )
            elif "status" in changes:
                session.execute(update(OutcomeFactorRow).where(factors).values(status=row.status))
            session.add(self._audit(outcome_id, "edited", actor, changes))

    def _factors_of(self, outcome_id: int) -> Any:
        return and_(
            col(OutcomeFactorRow.team_id) == self.team_id, col(OutcomeFactorRow.outcome_id) == outcome_id
        )

    def soft_delete(self, outcome_id: int, *, actor: str | None) -> None:
        with self.db.session() as session:
            row = self._live_row(session, outcome_id, lock=True)
            if row is None:
                raise LookupError(outcome_id)
            row.deleted_at = utcnow()
            session.add(row)
            session.execute(update(OutcomeFactorRow).where(self._factors_of(outcome_id)).values(deleted=True))
            session.add(
                self._audit(outcome_id, "deleted", actor, {"deleted_at": [None, row.deleted_at.isoformat()]})
            )

    def _audit(
        self, outcome_id: int, action: str, actor: str | None, changes: dict[str, Any]
    ) -> OutcomeAuditRow:
        return OutcomeAuditRow(
            team_id=self.team_id,
            outcome_id=outcome_id,
            action=action,
            actor=actor,
            at=utcnow(),
            changes=changes,
        )

    # -- reading ---------------------------------------------------------------------------------

    def _live(self) -> Any:
        return and_(col(OutcomeRow.team_id) == self.team_id, col(OutcomeRow.deleted_at).is_(None))

    def _live_row(self, session: Session, outcome_id: int, *, lock: bool = False) -> OutcomeRow | None:
        statement = select(OutcomeRow).where(self._live(), col(OutcomeRow.id) == outcome_id)
        if lock:
            statement = statement.with_for_update()
        return session.scalars(statement).first()

    def get(self, outcome_id: int) -> OutcomeRecord | None:
        with self.db.session() as session:
            row = self._live_row(session, outcome_id)
            return self._records(session, [row])[0] if row else None

    def interview_exists(self, interview_id: int) -> bool:
        with self.db.session() as session:
            query = select(InterviewRow.id).where(
                col(InterviewRow.team_id) == self.team_id, col(InterviewRow.id) == interview_id
            )
            return session.scalars(query).first() is not None

    def existing_interviews(self, interview_ids: set[int]) -> set[int]:
        if not interview_ids:
            return set()
        with self.db.session() as session:
            query = select(InterviewRow.id).where(
                col(InterviewRow.team_id) == self.team_id, col(InterviewRow.id).in_(interview_ids)
            )
            return {int(i) for i in session.scalars(query)}  # type: ignore[arg-type]

    def _filtered(self, query: OutcomeQuery) -> Any:
        conditions = [self._live()]
        if query.status:
            conditions.append(col(OutcomeRow.status) == query.status)
        if query.sector:
            conditions.append(getattr(OutcomeRow, query.sector) == true())
        if query.factor:
            conditions.append(
                exists().where(
                    col(OutcomeFactorRow.outcome_id) == col(OutcomeRow.id),
                    col(OutcomeFactorRow.factor_id) == query.factor,
                )
            )
        if query.text:  # every word must appear somewhere in the name, partners or lesson
            for word in searchable(query.text).split():
                conditions.append(col(OutcomeRow.search_text).contains(word, autoescape=True))
        return and_(*conditions)

    def list(self, query: OutcomeQuery, *, limit: int | None = 50, offset: int = 0) -> list[OutcomeRecord]:
        """Newest first."""
        statement = (
            select(OutcomeRow)
            .where(self._filtered(query))
            .order_by(col(OutcomeRow.logged_at).desc(), col(OutcomeRow.id).desc())
            .offset(offset)
        )
        if limit is not None:
            statement = statement.limit(limit)
        with self.db.session() as session:
            return self._records(session, list(session.scalars(statement)))

    def count(self, query: OutcomeQuery) -> int:
        with self.db.session() as session:
            return int(
                session.scalar(select(func.count()).select_from(OutcomeRow).where(self._filtered(query))) or 0
            )

    def iter_all(self, batch: int = _BATCH) -> Iterator[OutcomeRecord]:
        """Every live outcome, oldest id first, a batch at a time (for exports of any size)."""
        last_id = 0
        while True:
            statement = (
                select(OutcomeRow)
                .where(self._live(), col(OutcomeRow.id) > last_id)
                .order_by(col(OutcomeRow.id))
                .limit(batch)
            )
            with self.db.session() as session:
                records = self._records(session, list(session.scalars(statement)))
            if not records:
                return
            yield from records
            last_id = records[-1].id

    def history(self, outcome_id: int) -> list[AuditEntry]:
        statement = (
            select(OutcomeAuditRow)
            .where(
                col(OutcomeAuditRow.team_id) == self.team_id, col(OutcomeAuditRow.outcome_id) == outcome_id
            )
            .order_by(col(OutcomeAuditRow.at), col(OutcomeAuditRow.id))
        )
        with self.db.session() as session:
            return [
                AuditEntry(action=row.action, actor=row.actor, at=row.at, changes=row.changes)
                for row in session.scalars(statement)
            ]

    def _records(self, session: Session, rows: list[OutcomeRow]) -> list[OutcomeRecord]:
        factors: dict[int, list[str]] = {row.id: [] for row in rows}  # type: ignore[misc]
        if factors:
            for outcome_id, factor_id in session.execute(
                select(OutcomeFactorRow.outcome_id, OutcomeFactorRow.factor_id)
                .where(col(OutcomeFactorRow.outcome_id).in_(list(factors)))
                .order_by(col(OutcomeFactorRow.outcome_id), col(OutcomeFactorRow.position))
            ):
                factors[outcome_id].append(factor_id)
        return [
            OutcomeRecord(
                id=row.id,  # type: ignore[arg-type]
                team_id=row.team_id,
                name=row.name,
                partners=list(row.partners),
                sectors=[column for column in SECTOR_COLUMNS if getattr(row, column)],  # type: ignore[misc]
                region=row.region,  # type: ignore[arg-type]
                status=row.status,  # type: ignore[arg-type]
                factors=factors[row.id],  # type: ignore[index]
                lesson=row.lesson,
                interview_id=row.interview_id,
                logged_by=row.logged_by,
                anonymous=row.anonymous,
                logged_at=row.logged_at,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    # -- figures ---------------------------------------------------------------------------------

    def figure_counts(self) -> list[tuple[str, tuple[bool, bool, bool], int]]:
        """(status, (nonprofit, industry, government), number of outcomes) for every combination that
        occurs: at most 6 x 7 rows, from which statuses, sector counts and sector spans all follow."""
        flags = [getattr(OutcomeRow, column) for column in SECTOR_COLUMNS]
        statement = (
            select(OutcomeRow.status, *flags, func.count())
            .where(self._live())
            .group_by(OutcomeRow.status, *flags)
        )
        with self.db.session() as session:
            return [
                (status, (bool(a), bool(b), bool(c)), int(n))
                for status, a, b, c, n in session.execute(statement)
            ]

    def factor_status_counts(self) -> list[tuple[str, str, int]]:
        """(factor id, status, number of outcomes) for every pair that occurs."""
        statement = (
            select(OutcomeFactorRow.factor_id, OutcomeFactorRow.status, func.count())
            .where(col(OutcomeFactorRow.team_id) == self.team_id, col(OutcomeFactorRow.deleted) == False)
            .group_by(OutcomeFactorRow.factor_id, OutcomeFactorRow.status)
        )
        with self.db.session() as session:
            return [(factor_id, status, int(n)) for factor_id, status, n in session.execute(statement)]
