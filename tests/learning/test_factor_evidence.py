"""Per-team factor evidence: what was logged with each factor, what followed advice that flagged it,
and the rule that a count under five is shown as a count, never as a percentage, wherever it is shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fake_slack_api import FakeSlackAPI
from learning_data import outcome
from slack_harness import SlackHarness

from bot.cli import main
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.outcomes.evidence import factor_evidence, render_evidence_table, share, team_evidence
from bot.settings import get_settings
from bot.storage.advice import AdviceRepository
from bot.storage.db import Database
from bot.storage.interviews import InterviewRepository

TEAM = "T0TEAM001"  # the fake Slack workspace, so /factor in the harness reads the same team
PERCENT = re.compile(r"\d+%")


def advised(db: Database, team: str, factors: list[str], *, then: str | None, kb: KnowledgeBase) -> int:
    """An interview whose advice flagged `factors`, followed (when `then` is given) by an outcome."""
    interview = InterviewRepository(db).create(team_id=team, user_id="U0ALICE01", surface="dm", state={})
    AdviceRepository(db).record(
        team, interview.id, [{"id": f, "kind": kb.factors[f].kind.value, "score": 0.8} for f in factors]
    )
    if then is not None:
        OutcomeService(db, kb, team).log(
            outcome(f"After interview {interview.id}", ["nonprofit"], [], then, interview_id=interview.id)
        )
    return interview.id


def test_small_counts_are_counts_and_larger_ones_percentages_with_their_counts() -> None:
    assert share(0, 0) == "0 of 0"
    assert share(3, 4) == "3 of 4"
    assert share(4, 40) == "4 of 40"  # the count is under five, however large the base
    assert share(5, 5) == "100% (5 of 5)"
    assert share(6, 10) == "60% (6 of 10)"


def test_evidence_counts_logs_and_what_followed_the_advice(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, TEAM)
    for status in ("struggling", "failed", "successful", "ongoing"):
        service.log(outcome(f"Logged {status}", ["government"], ["bureaucracy"], status))
    deleted = service.log(outcome("Deleted", ["government"], ["bureaucracy"], "failed"))
    service.delete(deleted.id)
    OutcomeService(db, kb, "T-other").log(outcome("Elsewhere", ["government"], ["bureaucracy"], "failed"))

    advised(db, TEAM, ["bureaucracy", "shared-vision"], then="struggling", kb=kb)
    advised(db, TEAM, ["bureaucracy"], then="successful", kb=kb)
    advised(db, TEAM, ["bureaucracy"], then=None, kb=kb)
    changed = advised(db, TEAM, ["bureaucracy"], then="successful", kb=kb)
    OutcomeService(db, kb, TEAM).log(outcome("Later news", ["nonprofit"], [], "failed", interview_id=changed))
    advised(db, "T-other", ["bureaucracy"], then="failed", kb=kb)

    evidence = factor_evidence(db, kb, TEAM, "bureaucracy")
    assert (evidence.logged, evidence.logged_struggling_or_failed, evidence.logged_successful) == (4, 2, 1)
    # Four interviews flagged it; three have an outcome, and the newest outcome of each counts.
    assert (evidence.advised, evidence.advised_with_outcome, evidence.advised_then_struggling_or_failed) == (
        4,
        3,
        2,
    )
    assert evidence.sentences() == [
        "Logged with 4 of your team's outcomes: 2 of 4 struggling or failed, 1 of 4 successful.",
        (
            "Flagged in advice for 4 partnerships, 3 of 4 with an outcome logged since: "
            "2 of 3 struggled or failed."
        ),
    ]
    everything = {e.id: e for e in team_evidence(db, kb, TEAM)}
    assert set(everything) == {"bureaucracy", "shared-vision"}
    assert everything["shared-vision"].advised == 1 and everything["shared-vision"].logged == 0


def test_from_five_up_the_evidence_gives_percentages(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, TEAM)
    for n in range(10):
        service.log(outcome(f"P{n}", ["industry"], ["lack-of-trust"], "failed" if n < 6 else "successful"))
    sentences = factor_evidence(db, kb, TEAM, "lack-of-trust").sentences()
    assert (
        sentences[0]
        == "Logged with 10 of your team's outcomes: 60% (6 of 10) struggling or failed, 4 of 10 successful."
    )
    table = render_evidence_table(team_evidence(db, kb, TEAM))
    assert "60% (6 of 10)" in table and "4 of 10" in table and "40%" not in table


@pytest.fixture
def cli_team(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PARTNERBOT_TEAM", TEAM)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_the_command_line_card_and_stats_show_the_evidence_without_small_percentages(
    cli_team: str, db: Database, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    service = OutcomeService(db, kb, TEAM)
    for status in ("struggling", "failed", "successful"):
        service.log(outcome(f"Logged {status}", ["government"], ["bureaucracy"], status))
    advised(db, TEAM, ["bureaucracy"], then="failed", kb=kb)

    assert main(["factor", "red", "tape"]) == 0
    card = capsys.readouterr().out
    evidence = card.split(f"Your team's evidence (team {TEAM}):")[1]
    assert (
        "Logged with 3 of your team's outcomes: 2 of 3 struggling or failed, 1 of 3 successful."
        in " ".join(evidence.split())
    )
    assert "1 of 1 with an outcome logged since: 1 of 1 struggled or failed" in " ".join(evidence.split())
    assert not PERCENT.search(evidence)

    assert main(["outcomes", "stats"]) == 0
    stats = capsys.readouterr().out.split("Factor evidence")[1]
    row = next(line for line in stats.splitlines() if line.strip().startswith("bureaucracy"))
    assert "2 of 3" in row and "1 of 3" in row and not PERCENT.search(row)

    assert main(["outcomes", "stats", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    [bureaucracy] = [e for e in figures["factor_evidence"] if e["id"] == "bureaucracy"]
    assert (
        bureaucracy["logged_struggling_or_failed"] == 2
        and bureaucracy["advised_then_struggling_or_failed"] == 1
    )


def test_a_card_without_a_database_yet_creates_none(
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "never-made.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    try:
        assert main(["factor", "bureaucracy"]) == 0
    finally:
        get_settings.cache_clear()
    assert "Your team's evidence" not in capsys.readouterr().out
    assert not path.exists()


def test_the_slack_factor_card_shows_the_teams_evidence(
    slack: SlackHarness, fake_slack: FakeSlackAPI, db: Database, kb: KnowledgeBase
) -> None:
    service = OutcomeService(db, kb, TEAM)
    for n in range(6):
        service.log(
            outcome(f"P{n}", ["government"], ["bureaucracy"], "struggling" if n < 5 else "successful")
        )
    slack.command("/factor", "bureaucracy", hook="card")
    card = fake_slack.last("response_url:card")
    shown = card.text_everywhere()
    assert "Your team's evidence" in shown
    assert "83% (5 of 6) struggling or failed" in shown and "1 of 6 successful" in shown
    assert "17%" not in shown

    slack.command("/factor", "conflict", hook="choice")  # two candidates; picking one shows its card too
    slack.click(
        fake_slack.last("response_url:choice"), "factor_choose", value="conflict-resolution", hook="picked"
    )
    assert (
        "Not logged with any of your team's outcomes yet."
        in fake_slack.last("response_url:picked").text_everywhere()
    )
