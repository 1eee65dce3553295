"""The advice an interview ended with: which factors were raised and how strongly, kept so it can be
compared later with how the partnership actually turned out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.errors import RecordNotFound
from bot.storage.tables import AdviceHitRow, AdviceRow, InterviewRow
from bot.storage.types import utcnow


class AdviceHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=60)
    kind: Literal["negative", "success"]
    score: float


class AdviceRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    team_id: str
    interview_id: int
    created_at: datetime
    hits: list[AdviceHit]


class AdviceRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, team_id: str, interview_id: int, hits: Iterable[Mapping[str, Any]]) -> AdviceRecord:
        """Store one piece of advice; hits are `{"id", "kind", "score"}` in the order they were shown."""
        try:
            parsed = [AdviceHit.model_validate(dict(hit)) for hit in hits]
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise ValueError(f"hits.{field}: {first['msg']}") from None
        with self.db.session() as session:
            exists = session.exec(
                select(InterviewRow.id).where(
                    InterviewRow.team_id == team_id, InterviewRow.id == interview_id
                )
            ).first()
            if exists is None:
                raise RecordNotFound(f"interview {interview_id} not found")
            advice = AdviceRow(team_id=team_id, interview_id=interview_id, created_at=utcnow())
            session.add(advice)
            session.flush()
            assert advice.id is not None
            session.add_all(
                AdviceHitRow(advice_id=advice.id, rank=rank, factor_id=hit.id, kind=hit.kind, score=hit.score)
                for rank, hit in enumerate(parsed, start=1)
            )
            return AdviceRecord(
                id=advice.id,
                team_id=team_id,
                interview_id=interview_id,
                created_at=advice.created_at,
                hits=parsed,
            )

    def for_interview(self, team_id: str, interview_id: int) -> list[AdviceRecord]:
        """All advice given for this interview, newest first (usually one)."""
        with self.db.session() as session:
            advice_rows = session.exec(
                select(AdviceRow)
                .where(AdviceRow.team_id == team_id, AdviceRow.interview_id == interview_id)
                .order_by(col(AdviceRow.created_at).desc(), col(AdviceRow.id).desc())
            ).all()
            ids = [row.id for row in advice_rows]
            hits: dict[int, list[AdviceHit]] = {advice_id: [] for advice_id in ids if advice_id is not None}
            if ids:
                for hit in session.exec(
                    select(AdviceHitRow)
                    .where(col(AdviceHitRow.advice_id).in_(ids))
                    .order_by(col(AdviceHitRow.advice_id), col(AdviceHitRow.rank))
                ):
                    hits[hit.advice_id].append(AdviceHit(id=hit.factor_id, kind=hit.kind, score=hit.score))  # type: ignore[arg-type]
            return [
                AdviceRecord(
                    id=row.id,  # type: ignore[arg-type]
                    team_id=row.team_id,
                    interview_id=row.interview_id,
                    created_at=row.created_at,
                    hits=hits[row.id],  # type: ignore[index]
                )
                for row in advice_rows
            ]
