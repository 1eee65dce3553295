"""De-duplicating redelivered events: the first process to claim a key handles it, every other one skips.

The claim is one `INSERT ... ON CONFLICT DO NOTHING` against the primary key, so two processes racing
for the same key cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.storage.db import Database
from bot.storage.tables import ProcessedEventRow
from bot.storage.types import utcnow

MAX_KEY_LENGTH = 255


class ProcessedEventRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, event_key: str) -> bool:
        """True the first time this key is seen (handle the event), False for a repeat (skip it)."""
        if not event_key or len(event_key) > MAX_KEY_LENGTH:
            raise ValueError(f"event_key: must be 1 to {MAX_KEY_LENGTH} characters")
        values = {"event_key": event_key, "created_at": utcnow()}
        table = ProcessedEventRow.__table__  # type: ignore[attr-defined]
        dialect = self.db.dialect
        if dialect in {"sqlite", "postgresql"}:
            insert = sqlite_insert if dialect == "sqlite" else pg_insert
            statement = (
                insert(table)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["event_key"])
                .returning(table.c.event_key)
            )
            with self.db.session() as session:
                return session.execute(statement).first() is not None
        try:
            with self.db.session() as session:
                session.execute(table.insert().values(**values))
            return True
        except IntegrityError:
            return False

    def purge_older_than(self, days: float) -> int:
        """Forget keys claimed more than `days` ago (Slack stops retrying within hours); returns how many."""
        cutoff = utcnow() - timedelta(days=days)
        with self.db.session() as session:
            result = session.execute(
                delete(ProcessedEventRow).where(col(ProcessedEventRow.created_at) < cutoff)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
