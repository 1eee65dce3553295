from __future__ import annotations

import pytest

from bot.storage.db import Database
from bot.storage.errors import ConcurrentUpdateError, RecordNotFound
from bot.storage.interviews import InterviewRepository


@pytest.fixture
def repo(db: Database) -> InterviewRepository:
    return InterviewRepository(db)


def test_create_and_get_round_trip_the_state(repo: InterviewRepository) -> None:
    state = {"answers": {"goal": "Diabetes screening — für alle"}, "step": 3, "nested": [1, {"a": None}]}
    created = repo.create(team_id="T1", user_id="U1", surface="dm", state=state)
    assert created.version == 1 and created.status == "open"
    assert created.created_at.tzinfo is not None
    loaded = repo.get("T1", created.id)
    assert loaded is not None
    assert loaded.state == state
    assert loaded.surface == "dm"
    assert loaded.created_at == created.created_at


def test_save_bumps_the_version_and_stores_status(repo: InterviewRepository) -> None:
    record = repo.create(team_id="T1", user_id="U1", surface="terminal", state={"step": 0})
    saved = repo.save("T1", record.id, {"step": 1}, expected_version=1)
    assert saved.version == 2 and saved.state == {"step": 1} and saved.status == "open"
    finished = repo.save("T1", record.id, {"step": 2}, expected_version=2, status="finished")
    assert finished.version == 3 and finished.status == "finished"
    assert finished.updated_at >= record.updated_at
    assert repo.get("T1", record.id) == finished


def test_save_with_a_stale_version_is_refused_and_changes_nothing(repo: InterviewRepository) -> None:
    record = repo.create(team_id="T1", user_id="U1", surface="dm", state={"answers": []})
    repo.save("T1", record.id, {"answers": ["first"]}, expected_version=1)
    with pytest.raises(ConcurrentUpdateError) as caught:
        repo.save("T1", record.id, {"answers": ["second"]}, expected_version=1)
    assert caught.value.expected_version == 1 and caught.value.actual_version == 2
    stored = repo.get("T1", record.id)
    assert stored is not None and stored.state == {"answers": ["first"]} and stored.version == 2


def test_update_reapplies_a_change_on_top_of_a_newer_save(repo: InterviewRepository) -> None:
    record = repo.create(team_id="T1", user_id="U1", surface="dm", state={"answers": []})
    interfering = {"done": False}

    def add_mine(current):  # type: ignore[no-untyped-def]
        if not interfering["done"]:
            # Another process saves between our read and our write, exactly once.
            interfering["done"] = True
            repo.save("T1", record.id, {"answers": ["theirs"]}, expected_version=current.version)
        return {"answers": [*current.state["answers"], "mine"]}

    saved = repo.update("T1", record.id, add_mine)
    assert saved.state == {"answers": ["theirs", "mine"]}
    assert saved.version == 3


def test_unknown_interview_is_not_found(repo: InterviewRepository) -> None:
    assert repo.get("T1", 999_999) is None
    with pytest.raises(RecordNotFound):
        repo.save("T1", 999_999, {}, expected_version=1)


def test_latest_open_prefers_the_most_recent_and_filters_by_surface(repo: InterviewRepository) -> None:
    older = repo.create(team_id="T1", user_id="U1", surface="dm", state={})
    newer = repo.create(team_id="T1", user_id="U1", surface="terminal", state={})
    repo.create(team_id="T1", user_id="U2", surface="dm", state={})
    latest = repo.latest_open("T1", "U1")
    assert latest is not None and latest.id == newer.id
    by_surface = repo.latest_open("T1", "U1", surface="dm")
    assert by_surface is not None and by_surface.id == older.id
    repo.save("T1", newer.id, {}, expected_version=1, status="finished")
    latest = repo.latest_open("T1", "U1")
    assert latest is not None and latest.id == older.id
    assert [r.id for r in repo.list_open("T1", "U1")] == [older.id]
    assert repo.latest_open("T1", "U1", surface="thread") is None


def test_find_by_thread(repo: InterviewRepository) -> None:
    first = repo.create(
        team_id="T1", user_id="U1", surface="thread", state={}, channel_id="C1", thread_ts="111.1"
    )
    repo.create(team_id="T1", user_id="U1", surface="thread", state={}, channel_id="C1", thread_ts="222.2")
    found = repo.find_by_thread("T1", "C1", "111.1")
    assert found is not None and found.id == first.id
    assert repo.find_by_thread("T1", "C2", "111.1") is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"surface": "email"}, "surface"),
        ({"user_id": ""}, "user_id"),
        ({"team_id": " "}, "team_id"),
    ],
)
def test_bad_create_arguments_name_the_field(repo: InterviewRepository, kwargs: dict, field: str) -> None:
    arguments = {"team_id": "T1", "user_id": "U1", "surface": "dm", "state": {}} | kwargs
    with pytest.raises(ValueError, match=f"^{field}:"):
        repo.create(**arguments)
    assert repo.list_open("T1", "U1") == []


def test_bad_status_on_save_is_refused(repo: InterviewRepository) -> None:
    record = repo.create(team_id="T1", user_id="U1", surface="dm", state={})
    with pytest.raises(ValueError, match="^status:"):
        repo.save("T1", record.id, {"x": 1}, expected_version=1, status="paused")
    stored = repo.get("T1", record.id)
    assert stored is not None and stored.version == 1 and stored.state == {}
