from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlalchemy import update

from bot.storage.db import Database
from bot.storage.events import ProcessedEventRepository
from bot.storage.tables import ProcessedEventRow
from bot.storage.types import utcnow


def test_first_claim_wins_and_repeats_lose(db: Database) -> None:
    events = ProcessedEventRepository(db)
    assert events.claim("T1:Ev01") is True
    assert events.claim("T1:Ev01") is False
    assert events.claim("T1:Ev02") is True


def test_concurrent_claims_of_one_key_have_exactly_one_winner(db: Database) -> None:
    events = ProcessedEventRepository(db)
    workers = 8
    barrier = Barrier(workers)

    def claim(_: int) -> bool:
        barrier.wait()
        return events.claim("T1:EvRace")

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(claim, range(workers)))
    assert results.count(True) == 1


def test_purge_forgets_only_old_keys(db: Database) -> None:
    events = ProcessedEventRepository(db)
    events.claim("old")
    events.claim("new")
    with db.session() as session:
        session.execute(
            update(ProcessedEventRow)
            .where(ProcessedEventRow.event_key == "old")  # type: ignore[arg-type]
            .values(created_at=utcnow() - timedelta(days=3))
        )
    assert events.purge_older_than(1) == 1
    assert events.claim("old") is True
    assert events.claim("new") is False


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_bad_keys_are_refused(db: Database, key: str) -> None:
    with pytest.raises(ValueError, match="event_key"):
        ProcessedEventRepository(db).claim(key)
