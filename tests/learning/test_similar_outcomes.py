"""Similar past partnerships: the right neighbours first, history counted, anonymity kept, other teams
and deleted logs never shown, and the in-memory index in step with every way an outcome changes."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import pytest
from learning_data import CASES, SEEDED, TEAM, Case, outcome, report_for, seed
from sqlalchemy import update
from sqlmodel import col

from bot.advice import AdviceReport, render
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService, outcome_index
from bot.outcomes import similar_index as index_module
from bot.outcomes.outcome_index import Query, idf, terms
from bot.outcomes.similar import query_of, team_history, with_team_history
from bot.outcomes.similar_index import TeamIndex, team_index
from bot.slack.blocks.report import report_messages
from bot.storage.db import Database, open_database
from bot.storage.tables import OutcomeAuditRow


def ranking(
    db: Database, kb: KnowledgeBase, report: AdviceReport, team: str = TEAM, limit: int = 3
) -> list[str]:
    index = team_index(db, team)
    with index.lock:
        index.refresh(db)
        hits = index.search(query_of(report), limit)
    names = {record.id: record.name for record in OutcomeService(db, kb, team).list(limit=1000)}
    return [names[hit.outcome_id] for hit in hits]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_expected_neighbours_come_first(db: Database, kb: KnowledgeBase, case: Case) -> None:
    seed(OutcomeService(db, kb, TEAM))
    report = report_for(
        kb, sectors=case.sectors, risks=case.risks, strengths=case.strengths, description=case.description
    )
    top = ranking(db, kb, report)
    assert top[0] == case.first, top
    assert case.also <= set(top[1:]), top


def reference_ranking(index: TeamIndex, query: Query, limit: int) -> list[int]:
    """Every live outcome scored by the documented formula, with no grouping, bounds or budget."""
    documents = index.live
    flagged = [f for f in dict.fromkeys(query.factors) if index.factor_bits.get(f, 0) & index.alive_bits]
    factor_weight = {
        f: idf((index.factor_bits[f] & index.alive_bits).bit_count(), documents) for f in flagged
    }
    factor_total = sum(factor_weight.values())
    mean = factor_total / len(flagged) if flagged else 0.0
    word_weight: dict[int, float] = {}
    for word in terms(query.text):
        term = index.term_ids.get(word)
        frequency = min(len(index.term_postings[term]), documents) if term is not None else 0
        if term is not None and frequency <= outcome_index.counted_frequency(documents):
            word_weight[term] = idf(frequency, documents)
    words_total = sum(word_weight.values())
    words_of = {term: set(index.term_postings[term]) for term in word_weight}
    average_length = index.total_length / documents
    wanted = sum(outcome_index.SECTOR_BITS[s] for s in query.sectors)
    scores = []
    for position in index.position.values():
        shared = [factor_weight[f] for f in index.doc_factors[position] if f in factor_weight]
        words = [weight for term, weight in word_weight.items() if position in words_of[term]]
        if not shared and not words:
            continue
        extra = len(index.doc_factors[position]) - len(shared)
        factors = sum(shared) / (factor_total + mean * extra) if factor_total else 0.0
        damping = min(1.0, 1.0 / (0.5 + 0.5 * index.lengths[position] / average_length))
        text = sum(words) / words_total * damping if words else 0.0
        mask = index.sector_masks[position]
        sectors = (mask & wanted).bit_count() / (mask | wanted).bit_count() if mask | wanted else 0.0
        scores.append((0.5 * factors + 0.3 * text + 0.2 * sectors, position))
    return [index.ids[position] for _, position in sorted(scores, reverse=True)[:limit]]


def test_grouping_and_bounds_never_change_the_answer(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Three thousand outcomes written from the knowledge base's own lessons; for forty partnerships the
    search's top five equals a plain scoring of every outcome."""
    rng = random.Random(1470)
    factors = sorted(kb.factors)
    weights = [1.0 / (rank + 1) for rank in range(len(factors))]
    sentences = [s for lesson in kb.lessons.values() for s in lesson.what_happened.split(". ")]

    def some_factors(low: int, high: int) -> list[str]:
        return list(dict.fromkeys(rng.choices(factors, weights, k=rng.randint(low, high))))

    items = [
        outcome(
            f"P{n}",
            rng.sample(["nonprofit", "industry", "government"], rng.randint(1, 3)),
            some_factors(1, 5),
            rng.choice(["successful", "struggling", "failed", "ongoing"]),
            " ".join(rng.sample(sentences, 2)),
        )
        for n in range(3000)
    ]
    db = open_database(f"sqlite:///{tmp_path / 'many.db'}")
    try:
        seed(OutcomeService(db, kb, TEAM), items)
        index = team_index(db, TEAM)
        with index.lock:
            index.refresh(db)
            for _ in range(40):
                query = Query(
                    frozenset(rng.sample(["nonprofit", "industry", "government"], 2)),
                    tuple(some_factors(3, 8)),
                    " ".join(rng.sample(sentences, 2)),
                )
                found = [hit.outcome_id for hit in index.search(query, 5, max_scored=10**9)]
                assert found == reference_ranking(index, query, 5)
    finally:
        db.dispose()


def test_a_rare_shared_factor_counts_more_than_a_common_one(db: Database, kb: KnowledgeBase) -> None:
    common = [
        outcome(f"Funding gap {n}", ["nonprofit"], ["insufficient-funding"], "struggling") for n in range(6)
    ]
    seed(
        OutcomeService(db, kb, TEAM),
        [
            *common,
            outcome("Rare one", ["nonprofit"], ["excluded-stakeholders", "culture-clash"], "struggling"),
            outcome("Common one", ["nonprofit"], ["insufficient-funding", "culture-clash"], "struggling"),
        ],
    )
    report = report_for(kb, sectors=["nonprofit"], risks=["insufficient-funding", "excluded-stakeholders"])
    top = ranking(db, kb, report, limit=8)
    assert top.index("Rare one") < top.index("Common one")


def test_the_report_cites_how_the_teams_similar_partnerships_went(db: Database, kb: KnowledgeBase) -> None:
    seed(OutcomeService(db, kb, TEAM))
    report = report_for(
        kb,
        sectors=["government"],
        risks=["bureaucracy", "data-and-ip-barriers"],
        description=CASES[0].description,
    )
    history = team_history(db, kb, TEAM, report)
    assert history.outcomes_logged == len(SEEDED)
    bureaucracy = history.groups[0]
    # Three government partnerships logged bureaucracy: one struggled, one failed, one succeeded.
    assert (bureaucracy.factor_id, bureaucracy.sector, bureaucracy.total) == ("bureaucracy", "government", 3)
    assert (bureaucracy.struggling_or_failed, bureaucracy.successful) == (2, 1)
    assert history.similar[0].name == "Regional vaccine data hub"
    first = history.similar[0]
    assert first.year == 2025 and first.status == "struggling" and first.logged_by == "U0SEED001"
    assert first.shared_factors == ["Bureaucracy", kb.factors["data-and-ip-barriers"].name]

    written = render(report.model_copy(update={"team_history": history}), "text", width=200)
    assert (
        "Your team logged 3 partnerships with a government partner where bureaucracy mattered: "
        "2 struggled or failed and 1 was successful."
    ) in written
    assert "Lesson from ‘Regional vaccine data hub’ (2025): The data sharing agreement" in written
    assert written.count("Lesson from ‘") == 2, "one or two lessons, not one per neighbour"
    assert "%" not in written.split("Your team's history")[1].split("Sources")[0]


def test_nothing_alike_is_said_plainly_and_a_team_without_logs_is_told_how_to_start(
    db: Database, kb: KnowledgeBase
) -> None:
    report = report_for(kb, sectors=["industry"], risks=["mission-drift"], description="A loyalty card deal.")
    empty = team_history(db, kb, TEAM, report)
    assert empty.outcomes_logged == 0 and not empty.similar and not empty.groups
    assert "has not logged how any partnership turned out yet" in render(
        report.model_copy(update={"team_history": empty}), "text"
    )

    seed(OutcomeService(db, kb, TEAM))
    history = team_history(db, kb, TEAM, report)
    assert history.similar == [] and history.groups == []
    assert (
        f"None of the {len(SEEDED)} outcomes your team logged is much like this partnership yet."
        in render(report.model_copy(update={"team_history": history}), "md")
    )


def test_an_anonymous_logger_is_never_named_to_anyone_else(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, TEAM)
    service.log(
        outcome(
            "Regional vaccine data hub",
            ["government"],
            ["bureaucracy", "data-and-ip-barriers"],
            "struggling",
            "Start approvals early.",
            anonymous=True,
        ),
        user_id="U0SECRET1",
    )
    service.log(
        outcome("Open data pilot", ["government"], ["bureaucracy"], "successful", "Templates helped."),
        user_id="U0OPEN001",
    )
    report = report_for(
        kb,
        sectors=["government"],
        risks=["bureaucracy", "data-and-ip-barriers"],
        description="A vaccine data hub with the ministry.",
    )

    seen_by_others = with_team_history(report, db, kb, TEAM, viewer="U0ALICE01")
    by_name = {past.name: past for past in seen_by_others.team_history.similar}
    assert by_name["Regional vaccine data hub"].logged_by is None
    assert by_name["Open data pilot"].logged_by == "U0OPEN001"
    for written in (
        render(seen_by_others, "text"),
        render(seen_by_others, "md"),
        render(seen_by_others, "json"),
        json.dumps([m.blocks for m in report_messages(seen_by_others, interview_id=1)]),
    ):
        assert "U0SECRET1" not in written
        assert "U0OPEN001" in written
    slack = json.dumps([m.blocks for m in report_messages(seen_by_others, interview_id=1)])
    assert "Logged by <@U0OPEN001>" in slack

    seen_by_logger = with_team_history(report, db, kb, TEAM, viewer="U0SECRET1")
    mine = {past.name: past for past in seen_by_logger.team_history.similar}
    assert mine["Regional vaccine data hub"].logged_by == "U0SECRET1"


def test_other_teams_deleted_logs_and_the_partnership_itself_are_left_out(
    db: Database, kb: KnowledgeBase
) -> None:
    from bot.storage.interviews import InterviewRepository

    mine, theirs = OutcomeService(db, kb, TEAM), OutcomeService(db, kb, "T-other")
    seed(theirs)
    interview = InterviewRepository(db).create(team_id=TEAM, user_id="U0ALICE01", surface="dm", state={})
    same = mine.log(
        outcome(
            "This very partnership",
            ["government"],
            ["bureaucracy", "data-and-ip-barriers"],
            "ongoing",
            "vaccine data hub",
            interview_id=interview.id,
        )
    )
    gone = mine.log(
        outcome(
            "Deleted vaccine data hub",
            ["government"],
            ["bureaucracy", "data-and-ip-barriers"],
            "failed",
            "vaccine data hub",
        )
    )
    kept = mine.log(outcome("Kept data hub", ["government"], ["bureaucracy"], "successful", "data hub"))
    report = report_for(
        kb,
        sectors=["government"],
        risks=["bureaucracy", "data-and-ip-barriers"],
        description=CASES[0].description,
    )
    assert "Deleted vaccine data hub" in [p.name for p in team_history(db, kb, TEAM, report).similar]
    mine.delete(gone.id)

    history = team_history(db, kb, TEAM, report, interview_id=interview.id)
    assert [past.outcome_id for past in history.similar] == [kept.id]
    assert history.outcomes_logged == 2  # its own outcome counts as logged, but is not its own neighbour
    assert history.groups[0].total == 1
    assert same.id not in {past.outcome_id for past in history.similar}


def test_the_index_follows_logs_edits_deletes_and_imports_from_another_process(
    db: Database, database_url: str, kb: KnowledgeBase
) -> None:
    seed(OutcomeService(db, kb, TEAM))
    report = report_for(
        kb,
        sectors=["nonprofit"],
        risks=["mission-drift", "risk-aversion"],
        description="A hospice wants our volunteers for its fundraising.",
    )
    index = team_index(db, TEAM)
    assert ranking(db, kb, report)[0] == "Never-started dementia café"
    builds = index.builds

    other = open_database(database_url, migrate=False)  # another process's engine: nothing shared in memory
    try:
        elsewhere = OutcomeService(other, kb, TEAM)
        logged = elsewhere.log(
            outcome(
                "Hospice volunteers",
                ["nonprofit"],
                ["mission-drift"],
                "struggling",
                "The hospice pulled our volunteers into fundraising.",
            )
        )
        assert ranking(db, kb, report)[0] == "Hospice volunteers"
        elsewhere.edit(
            logged.id, {"name": "Care home choir", "factors": ["culture-clash"], "lesson": "Different pace."}
        )
        assert "Care home choir" not in ranking(db, kb, report)
        elsewhere.edit(logged.id, {"factors": ["mission-drift", "risk-aversion"]})
        assert ranking(db, kb, report)[0] == "Care home choir"
        elsewhere.delete(logged.id)
        assert "Care home choir" not in ranking(db, kb, report)
        elsewhere.import_(
            "name,sectors,region,status,factors\nImported drift,nonprofit,other,failed,mission-drift\n"
        )
        assert ranking(db, kb, report)[0] == "Imported drift"
    finally:
        other.dispose()
    assert index.builds == builds, "each change was applied to the index, not rebuilt from scratch"


def test_a_change_that_commits_after_the_lookback_window_is_caught_by_the_full_check(
    db: Database, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction slower than the lookback window writes audit rows that look old when it commits;
    the periodic count of every audit row finds them and the index is rebuilt."""
    service = OutcomeService(db, kb, TEAM)
    seed(service)
    report = report_for(kb, sectors=["nonprofit"], risks=["mission-drift"], description="Hospice volunteers")
    assert "Late hospice log" not in ranking(db, kb, report)
    late = service.log(
        outcome("Late hospice log", ["nonprofit"], ["mission-drift"], "failed", "hospice volunteers")
    )
    with db.session() as session:  # its audit row, as if the transaction had begun an hour before committing
        session.execute(
            update(OutcomeAuditRow)
            .where(col(OutcomeAuditRow.outcome_id) == late.id)
            .values(at=late.logged_at - index_module.LOOKBACK * 6)
        )
    index = team_index(db, TEAM)
    assert "Late hospice log" not in ranking(db, kb, report), "the window alone does not see it"
    monkeypatch.setattr(index_module, "FULL_CHECK_S", 0.0)
    builds = index.builds
    assert ranking(db, kb, report)[0] == "Late hospice log"
    assert index.builds == builds + 1


def test_a_change_that_commits_after_a_newer_one_is_caught_by_the_window_check(
    db: Database, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a transaction can commit after a later one: its audit rows are older than the
    newest the index has seen, so only the count of the lookback window notices them."""
    service = OutcomeService(db, kb, TEAM)
    seed(service)
    report = report_for(kb, sectors=["nonprofit"], risks=["mission-drift"], description="Hospice volunteers")
    ranking(db, kb, report)
    slow = service.log(
        outcome("Slow hospice log", ["nonprofit"], ["mission-drift"], "failed", "hospice volunteers")
    )
    service.log(outcome("Quick unrelated log", ["industry"], ["culture-clash"], "ongoing"))
    with db.session() as session:  # the slow one's audit row: written a minute before the quick one's
        session.execute(
            update(OutcomeAuditRow)
            .where(col(OutcomeAuditRow.outcome_id) == slow.id)
            .values(at=slow.logged_at - timedelta(minutes=1))
        )
    index = team_index(db, TEAM)
    with index.lock:  # the index sees the quick one first, as if the slow one had not committed yet
        index.newest_at = slow.logged_at + timedelta(seconds=5)
    assert "Slow hospice log" not in ranking(db, kb, report)
    monkeypatch.setattr(index_module, "WINDOW_CHECK_S", 0.0)
    builds = index.builds
    assert ranking(db, kb, report)[0] == "Slow hospice log"
    assert index.builds == builds, "applied from the window, not rebuilt"


def test_an_unreadable_database_leaves_the_advice_as_it_was(tmp_path: Path, kb: KnowledgeBase) -> None:
    broken = open_database(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)  # no tables at all
    try:
        report = report_for(kb, sectors=["government"], risks=["bureaucracy"], description="x")
        assert with_team_history(report, broken, kb, TEAM) == report
    finally:
        broken.dispose()


def test_indexes_are_per_database_and_team(db: Database, kb: KnowledgeBase) -> None:
    assert team_index(db, "A") is team_index(db, "A")
    assert team_index(db, "A") is not team_index(db, "B")
    assert isinstance(team_index(db, "A"), TeamIndex)
