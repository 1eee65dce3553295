"""The outcome service on a real database: validation, tenancy of ids, edits, audit, anonymity, stats."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeInputError, OutcomeNotFound, OutcomeService
from bot.storage.db import Database
from bot.storage.interviews import InterviewRepository
from bot.storage.tables import OutcomeAuditRow, OutcomeFactorRow, OutcomeRow

LESSON = "Name a deputy on each side.\nWrite the agreement down — même si tout va bien.\n\n“Quotes”, commas, 100% & 日本語."


def outcome(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Diabetes screening with Acme",
        "partners": ["Acme Health", "Zürich Universität"],
        "sectors": ["industry", "nonprofit"],
        "region": "eu-plus",
        "status": "struggling",
        "factors": ["champion-turnover", "lack-of-trust", "shared-vision"],
        "lesson": LESSON,
    }
    return base | overrides


@pytest.fixture
def service(db: Database, kb: KnowledgeBase) -> OutcomeService:
    return OutcomeService(db, kb, "T1")


def row_counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))  # type: ignore[attr-defined]
            for table in (OutcomeRow, OutcomeFactorRow, OutcomeAuditRow)
        }


def test_log_and_show_round_trip(service: OutcomeService) -> None:
    logged = service.log(outcome(), user_id="U1")
    shown = service.show(logged.id, user_id="U1")
    assert shown == logged
    assert shown.name == "Diabetes screening with Acme"
    assert shown.partners == ["Acme Health", "Zürich Universität"]
    assert [s.value for s in shown.sectors] == ["nonprofit", "industry"]  # canonical order
    assert shown.factors == ["champion-turnover", "lack-of-trust", "shared-vision"]  # the order given
    assert shown.lesson == LESSON
    assert shown.logged_by == "U1" and shown.team_id == "T1"
    assert [entry.action for entry in service.history(logged.id)] == ["created"]


def test_lists_given_as_text_are_split_and_deduplicated(service: OutcomeService) -> None:
    logged = service.log(
        outcome(
            partners="Acme; Beta Org ;Acme",
            sectors="government, nonprofit nonprofit",
            factors="lack-of-trust,lack-of-trust",
        )
    )
    assert logged.partners == ["Acme", "Beta Org"]
    assert [s.value for s in logged.sectors] == ["nonprofit", "government"]
    assert logged.factors == ["lack-of-trust"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"factors": ["champion-turnover", "champion-turnovr"]}, "factors", "champion-turnovr"),
        ({"sectors": ["nonprofit", "hospital"]}, "sectors", "hospital"),
        ({"sectors": []}, "sectors", "at least one"),
        ({"status": "meh"}, "status", "meh"),
        ({"region": "mars"}, "region", "mars"),
        ({"lesson": "x" * 1_048_576}, "lesson", "too long"),
        ({"name": ""}, "name", "empty"),
        ({"name": "   "}, "name", "empty"),
        ({"name": "n" * 201}, "name", "too long"),
        ({"partners": ["A; B"]}, "partners", "';'"),
        ({"interview_id": 0}, "interview_id", "greater than"),
        ({"colour": "blue"}, "colour", "not a known field"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    service: OutcomeService, db: Database, overrides: dict[str, Any], field: str, words: str
) -> None:
    before = row_counts(db)
    with pytest.raises(OutcomeInputError) as caught:
        service.log(outcome(**overrides), user_id="U1")
    assert caught.value.fields == [field]
    assert str(caught.value).startswith(f"{field}: ")
    assert words in str(caught.value)
    assert row_counts(db) == before


def test_missing_fields_are_all_named(service: OutcomeService) -> None:
    with pytest.raises(OutcomeInputError) as caught:
        service.log({"name": "Only a name"})
    assert set(caught.value.fields) == {"sectors", "region", "status"}


def test_a_typo_in_a_factor_id_gets_a_suggestion(service: OutcomeService) -> None:
    with pytest.raises(OutcomeInputError, match="did you mean 'champion-turnover'"):
        service.log(outcome(factors=["champion-turnovr"]))


def test_interview_link_must_be_an_interview_of_the_same_team(service: OutcomeService, db: Database) -> None:
    interviews = InterviewRepository(db)
    mine = interviews.create(team_id="T1", user_id="U1", surface="dm", state={})
    theirs = interviews.create(team_id="T2", user_id="U9", surface="dm", state={})
    assert service.log(outcome(interview_id=mine.id)).interview_id == mine.id
    before = row_counts(db)
    with pytest.raises(OutcomeInputError) as caught:
        service.log(outcome(interview_id=theirs.id))
    assert caught.value.fields == ["interview_id"]
    assert row_counts(db) == before


def test_list_filters(service: OutcomeService) -> None:
    a = service.log(
        outcome(
            name="Alpha 100% clinic",
            status="failed",
            sectors=["government"],
            factors=["bureaucracy"],
            lesson="x",
        )
    )
    b = service.log(
        outcome(name="Beta", status="successful", factors=["shared-vision"], lesson="Trust grew slowly")
    )
    c = service.log(
        outcome(name="Gamma", partners=["Straße GmbH"], status="struggling", factors=[], lesson="Plain")
    )
    ids = lambda records: [r.id for r in records]
    assert ids(service.list()) == [c.id, b.id, a.id]
    assert ids(service.list(status="failed")) == [a.id]
    assert ids(service.list(sector="government")) == [a.id]
    assert ids(service.list(sector="industry")) == [c.id, b.id]
    assert ids(service.list(factor="shared-vision")) == [b.id]
    assert ids(service.list(text="trust GREW")) == [b.id]  # case-insensitive, in the lesson
    assert ids(service.list(text="STRASSE")) == [c.id]  # case folding: ß is ss
    assert ids(service.list(text="straße")) == [c.id]  # in a partner's name, non-ASCII
    assert ids(service.list(text="STRAßE")) == [c.id]
    assert ids(service.list(text="100%")) == [a.id]  # % is literal, not a wildcard
    assert ids(service.list(text="_")) == []
    assert ids(service.list(text="slowly trust")) == [b.id]  # every word, in any order
    assert ids(service.list(limit=2)) == [c.id, b.id]
    assert ids(service.list(limit=2, offset=2)) == [a.id]
    assert service.count(sector="industry") == 2


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "ok"}, "status"),
        ({"sector": "hospital"}, "sector"),
        ({"factor": "nope"}, "factor"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_filters_are_errors_not_empty_lists(service: OutcomeService, filters: dict, field: str) -> None:
    with pytest.raises(OutcomeInputError) as caught:
        service.list(**filters)
    assert caught.value.fields == [field]


def test_edit_changes_only_what_is_given_and_audits_the_difference(service: OutcomeService) -> None:
    logged = service.log(outcome(), user_id="U1")
    edited = service.edit(logged.id, {"status": "failed", "factors": ["lack-of-trust"]}, user_id="U2")
    assert edited.status.value == "failed"
    assert edited.factors == ["lack-of-trust"]
    assert edited.lesson == LESSON and edited.partners == logged.partners
    assert edited.logged_by == "U1" and edited.updated_at > logged.updated_at
    history = service.history(logged.id)
    assert [(entry.action, entry.actor) for entry in history] == [("created", "U1"), ("edited", "U2")]
    assert history[1].changes == {
        "status": ["struggling", "failed"],
        "factors": [["champion-turnover", "lack-of-trust", "shared-vision"], ["lack-of-trust"]],
    }
    service.edit(logged.id, {"status": "failed"}, user_id="U2")  # no change, no audit entry
    assert len(service.history(logged.id)) == 2


def test_a_bad_edit_changes_nothing(service: OutcomeService, db: Database) -> None:
    logged = service.log(outcome())
    before = row_counts(db)
    for changes, field in [
        ({"status": "bad"}, "status"),
        ({"name": ""}, "name"),
        ({"team_id": "T2"}, "team_id"),
    ]:
        with pytest.raises(OutcomeInputError) as caught:
            service.edit(logged.id, changes)
        assert caught.value.fields == [field]
    assert row_counts(db) == before
    assert service.show(logged.id) == logged


def test_delete_is_soft_audited_and_hides_the_outcome_everywhere(
    service: OutcomeService, db: Database
) -> None:
    kept = service.log(outcome(name="Kept"))
    gone = service.log(outcome(name="Gone", status="failed"))
    service.delete(gone.id, user_id="U3")
    assert [r.id for r in service.list()] == [kept.id]
    assert service.count() == 1
    assert service.stats().total == 1
    with pytest.raises(OutcomeNotFound):
        service.show(gone.id)
    with pytest.raises(OutcomeNotFound):
        service.delete(gone.id)
    with pytest.raises(OutcomeNotFound):
        service.edit(gone.id, {"status": "ongoing"})
    with db.session() as session:
        row = session.get(OutcomeRow, gone.id)
        assert row is not None and row.deleted_at is not None
        actions = session.scalars(
            select(OutcomeAuditRow.action)
            .where(OutcomeAuditRow.outcome_id == gone.id)
            .order_by(OutcomeAuditRow.id)  # type: ignore[arg-type]
        ).all()
    assert list(actions) == ["created", "deleted"]


def test_anonymous_logger_is_hidden_from_everyone_else(service: OutcomeService) -> None:
    import io

    logged = service.log(outcome(anonymous=True), user_id="U1")
    assert service.show(logged.id, user_id="U1").logged_by == "U1"
    assert service.show(logged.id, user_id="U2").logged_by is None
    assert service.show(logged.id).logged_by is None
    assert service.list(user_id="U2")[0].logged_by is None
    assert all(entry.actor is None for entry in service.history(logged.id, user_id="U2"))
    out = io.StringIO()
    service.export(out, "json", user_id="U2")
    assert "U1" not in out.getvalue()
    with pytest.raises(OutcomeInputError) as caught:
        service.edit(logged.id, {"anonymous": False}, user_id="U2")
    assert caught.value.fields == ["anonymous"]
    assert service.edit(logged.id, {"anonymous": False}, user_id="U1").anonymous is False
    assert service.show(logged.id, user_id="U2").logged_by == "U1"


def test_stats_follow_the_seed_study_table(service: OutcomeService) -> None:
    rows = [
        ({"sectors": ["nonprofit"], "status": "successful", "factors": ["shared-vision", "senior-support"]}),
        (
            {
                "sectors": ["nonprofit", "industry"],
                "status": "struggling",
                "factors": ["champion-turnover", "lack-of-trust"],
            }
        ),
        (
            {
                "sectors": ["nonprofit", "government"],
                "status": "failed",
                "factors": ["champion-turnover", "shared-vision"],
            }
        ),
        (
            {
                "sectors": ["nonprofit", "industry", "government"],
                "status": "potential-unexplored",
                "factors": ["unknown-partners"],
            }
        ),
        ({"sectors": ["government"], "status": "successful", "factors": ["shared-vision"]}),
        ({"sectors": ["industry"], "status": "ongoing", "factors": []}),
    ]
    for overrides in rows:
        service.log(outcome(**overrides))
    deleted = service.log(outcome(status="failed", factors=["bureaucracy"]))
    service.delete(deleted.id)

    stats = service.stats()
    assert stats.total == 6
    assert {s.value: n for s, n in stats.sectors.items()} == {"nonprofit": 4, "industry": 3, "government": 3}
    assert stats.spans == {1: 3, 2: 2, 3: 1}
    assert {s.value: n for s, n in stats.statuses.items()} == {
        "successful": 2,
        "struggling": 1,
        "failed": 1,
        "potential-unexplored": 1,
        "potential-undeveloped": 0,
        "ongoing": 1,
    }
    assert [(c.id, c.struggling_or_failed) for c in stats.struggling_factors] == [
        ("champion-turnover", 2),
        ("lack-of-trust", 1),
        ("shared-vision", 1),
    ]
    assert [(c.id, c.successful) for c in stats.successful_factors] == [
        ("shared-vision", 2),
        ("senior-support", 1),
    ]
    shared = next(c for c in stats.successful_factors if c.id == "shared-vision")
    assert shared.total == 3 and shared.kind is not None and shared.kind.value == "success"
    assert all(c.id != "bureaucracy" for c in stats.struggling_factors)
    assert len(service.stats(top=1).struggling_factors) == 1


def test_stats_of_an_empty_team_are_zeros(service: OutcomeService) -> None:
    stats = service.stats()
    assert stats.total == 0 and stats.spans == {1: 0, 2: 0, 3: 0}
    assert stats.struggling_factors == [] and stats.successful_factors == []


def test_blank_list_items_mean_none_so_a_list_can_be_cleared(service: OutcomeService) -> None:
    logged = service.log(outcome(sectors="nonprofit+industry"))
    assert [s.value for s in logged.sectors] == ["nonprofit", "industry"]
    cleared = service.edit(logged.id, {"partners": [""], "factors": [" "]})
    assert cleared.partners == [] and cleared.factors == []
