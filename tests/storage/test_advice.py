from __future__ import annotations

import pytest

from bot.storage.advice import AdviceRepository
from bot.storage.db import Database
from bot.storage.errors import RecordNotFound
from bot.storage.interviews import InterviewRepository


def test_record_and_read_back_in_order(db: Database) -> None:
    interview = InterviewRepository(db).create(team_id="T1", user_id="U1", surface="dm", state={})
    advice = AdviceRepository(db)
    hits = [
        {"id": "champion-turnover", "kind": "negative", "score": 0.91},
        {"id": "shared-vision", "kind": "success", "score": 0.4},
    ]
    first = advice.record("T1", interview.id, hits)
    second = advice.record("T1", interview.id, hits[:1])
    stored = advice.for_interview("T1", interview.id)
    assert [record.id for record in stored] == [second.id, first.id]
    assert [(h.id, h.kind, h.score) for h in stored[1].hits] == [
        ("champion-turnover", "negative", 0.91),
        ("shared-vision", "success", 0.4),
    ]
    assert [h.id for h in stored[0].hits] == ["champion-turnover"]


def test_advice_for_an_unknown_interview_is_refused(db: Database) -> None:
    with pytest.raises(RecordNotFound):
        AdviceRepository(db).record(
            "T1", 424242, [{"id": "champion-turnover", "kind": "negative", "score": 1.0}]
        )


def test_a_bad_hit_names_the_field_and_writes_nothing(db: Database) -> None:
    interview = InterviewRepository(db).create(team_id="T1", user_id="U1", surface="dm", state={})
    advice = AdviceRepository(db)
    with pytest.raises(ValueError, match=r"hits\.kind"):
        advice.record("T1", interview.id, [{"id": "champion-turnover", "kind": "risk", "score": 1.0}])
    assert advice.for_interview("T1", interview.id) == []
