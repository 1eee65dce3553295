"""No read or write of one team can see or touch another team's data."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import bot.storage.tables  # noqa: F401
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeInputError, OutcomeNotFound, OutcomeService
from bot.storage.advice import AdviceRepository
from bot.storage.db import Database
from bot.storage.errors import RecordNotFound
from bot.storage.interviews import InterviewRepository
from bot.storage.tables import OutcomeRow
from bot.storage.types import utcnow

# Tables that are not a team's data: event keys are globally unique ids issued by Slack.
GLOBAL_TABLES = {"processed_events", "alembic_version"}


def outcome(name: str, **overrides: object) -> dict[str, object]:
    return {
        "name": name,
        "sectors": ["nonprofit"],
        "region": "other",
        "status": "failed",
        "factors": ["lack-of-trust"],
        "lesson": "shared words",
    } | overrides


@pytest.fixture
def two_teams(db: Database, kb: KnowledgeBase) -> dict[str, dict[str, int]]:
    """The same user id, channel, thread and outcome names in two teams."""
    interviews = InterviewRepository(db)
    ids: dict[str, dict[str, int]] = {}
    for team in ("A", "B"):
        interview = interviews.create(
            team_id=team,
            user_id="U1",
            surface="thread",
            state={"team": team},
            channel_id="C1",
            thread_ts="1.1",
        )
        AdviceRepository(db).record(
            team, interview.id, [{"id": "lack-of-trust", "kind": "negative", "score": 1.0}]
        )
        service = OutcomeService(db, kb, team)
        logged = service.log(outcome("Same name", interview_id=interview.id), user_id="U1")
        service.log(outcome(f"Only {team}", status="successful", factors=["shared-vision"]))
        ids[team] = {"interview": interview.id, "outcome": logged.id}
    return ids


def test_interviews_are_scoped(db: Database, two_teams: dict[str, dict[str, int]]) -> None:
    repo = InterviewRepository(db)
    theirs = two_teams["B"]["interview"]
    assert repo.get("A", theirs) is None
    with pytest.raises(RecordNotFound):
        repo.save("A", theirs, {"team": "A wrote this"}, expected_version=1)
    with pytest.raises(RecordNotFound):
        repo.update("A", theirs, lambda record: {"team": "A wrote this"})
    b_record = repo.get("B", theirs)
    assert b_record is not None and b_record.state == {"team": "B"} and b_record.version == 1
    for found in (
        repo.latest_open("A", "U1"),
        repo.find_by_thread("A", "C1", "1.1"),
        *repo.list_open("A", "U1"),
    ):
        assert found is not None and found.team_id == "A" and found.state == {"team": "A"}


def test_advice_is_scoped(db: Database, two_teams: dict[str, dict[str, int]]) -> None:
    advice = AdviceRepository(db)
    theirs = two_teams["B"]["interview"]
    assert advice.for_interview("A", theirs) == []
    with pytest.raises(RecordNotFound):
        advice.record("A", theirs, [{"id": "lack-of-trust", "kind": "negative", "score": 0.5}])
    assert len(advice.for_interview("B", theirs)) == 1


def test_outcome_reads_are_scoped(
    db: Database, kb: KnowledgeBase, two_teams: dict[str, dict[str, int]]
) -> None:
    a = OutcomeService(db, kb, "A")
    assert {r.team_id for r in a.list(limit=1000)} == {"A"}
    assert sorted(r.name for r in a.list()) == ["Only A", "Same name"]
    assert a.count() == 2 and a.count(text="Only") == 1
    assert a.list(text="Only B") == []
    stats = a.stats()
    assert stats.total == 2
    assert [(c.id, c.struggling_or_failed) for c in stats.struggling_factors] == [("lack-of-trust", 1)]
    out = io.StringIO()
    assert a.export(out, "json") == 2
    assert "Only B" not in out.getvalue()
    theirs = two_teams["B"]["outcome"]
    with pytest.raises(OutcomeNotFound):
        a.show(theirs)
    with pytest.raises(OutcomeNotFound):
        a.history(theirs)


def test_outcome_writes_are_scoped(
    db: Database, kb: KnowledgeBase, two_teams: dict[str, dict[str, int]]
) -> None:
    a, b = OutcomeService(db, kb, "A"), OutcomeService(db, kb, "B")
    theirs = two_teams["B"]["outcome"]
    before = b.show(theirs)
    with pytest.raises(OutcomeNotFound):
        a.edit(theirs, {"status": "successful"})
    with pytest.raises(OutcomeNotFound):
        a.delete(theirs)
    with pytest.raises(OutcomeInputError) as caught:
        a.log(outcome("Link to B", interview_id=two_teams["B"]["interview"]))
    assert caught.value.fields == ["interview_id"]
    assert b.show(theirs) == before
    assert [e.action for e in b.history(theirs)] == ["created"]
    a.import_("name,sectors,region,status\nImported into A,nonprofit,other,ongoing\n", "csv")
    assert b.count() == 2 and a.count() == 3


def test_the_database_itself_refuses_a_link_across_teams(
    db: Database, two_teams: dict[str, dict[str, int]]
) -> None:
    """Even code that bypasses the services cannot point team A's outcome at team B's interview."""
    now = utcnow()
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(
            OutcomeRow(
                team_id="A",
                name="sneaky",
                partners=[],
                nonprofit=True,
                region="other",
                status="failed",
                lesson="",
                interview_id=two_teams["B"]["interview"],
                logged_at=now,
                updated_at=now,
            )
        )


def test_every_table_is_owned_by_a_team(db: Database) -> None:
    """A new table must carry team_id or hang off a table that does (or be declared global here)."""
    inspector = inspect(db.engine)
    team_tables = {
        name
        for name in inspector.get_table_names()
        if "team_id" in {c["name"] for c in inspector.get_columns(name)}
    }
    for name in inspector.get_table_names():
        if name in team_tables or name in GLOBAL_TABLES:
            continue
        parents = {fk["referred_table"] for fk in inspector.get_foreign_keys(name)}
        assert parents & team_tables, f"table {name} has no team_id and no parent that has one"
    assert set(SQLModel.metadata.tables) <= set(inspector.get_table_names())
