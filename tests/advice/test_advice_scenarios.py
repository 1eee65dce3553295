"""The report for realistic partnerships (tests/data/interviews): which risks must and must not come up,
and the suggested decision status."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.advice import AdviceReport, build_report
from bot.interview.scripted import load_script, run_script

DATA = Path(__file__).resolve().parents[1] / "data" / "interviews"
EXPECTATIONS: dict[str, dict] = yaml.safe_load((DATA / "expectations.yaml").read_text(encoding="utf-8"))


def test_there_are_at_least_eight_scenarios_with_every_decision_status():
    assert len(EXPECTATIONS) >= 8
    assert {e["status"] for e in EXPECTATIONS.values()} == {
        "go-ahead", "go-ahead-with-adjustments", "explore-further", "reconsider",
    }
    assert {p.name for p in DATA.glob("*.yaml")} - {"expectations.yaml"} == set(EXPECTATIONS)


@pytest.fixture(scope="module")
def reports(kb, flow) -> dict[str, AdviceReport]:
    from bot.interview import InterviewEngine

    engine = InterviewEngine(flow, kb)
    out = {}
    for name in EXPECTATIONS:
        state, _ = run_script(engine, load_script(DATA / name), source=name)
        out[name] = build_report(state, kb, flow)
    return out


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_scenario_report(name, reports):
    expected = EXPECTATIONS[name]
    report = reports[name]
    risks = [r.id for r in report.risks]
    strengths = [s.id for s in report.strengths]

    assert report.decision.status.value == expected["status"], report.decision.reason
    for factor_id in expected.get("must", []):
        assert factor_id in risks, f"{factor_id} missing from {risks}"
    for factor_id in expected.get("must_not", []):
        assert factor_id not in risks, f"{factor_id} should not be among {risks}"
    if "first" in expected:
        assert risks[0] == expected["first"]
    for factor_id in expected.get("strengths", []):
        assert factor_id in strengths, f"{factor_id} missing from {strengths}"
    for question_id in expected.get("unknowns", []):
        assert question_id in [u.question_id for u in report.unknowns]
    if "confidence" in expected:
        assert report.decision.confidence == expected["confidence"]
    if "sector_view" in expected:
        assert report.sector_view is not None
        assert sorted(report.sector_view.sectors) == sorted(expected["sector_view"])


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_every_report_keeps_its_promises(name, reports, kb):
    report = reports[name]
    assert len(report.risks) <= 5 and len(report.strengths) <= 3
    assert report.risks == sorted(report.risks, key=lambda r: -r.score)
    for risk in report.risks:
        assert risk.evidence, f"{risk.id} has no reason quoted"
        assert risk.what_to_do and all(a in kb.factors[risk.id].what_to_do for a in risk.what_to_do)
        assert risk.lesson is not None and risk.lesson.label == "Illustrative composite"
        assert risk.id in kb.lessons[risk.lesson.id].factors
        assert risk.sources == list(kb.factors[risk.id].sources)
    for strength in report.strengths:
        assert strength.how_to_use and strength.evidence
    cited = {c.key for c in report.sources}
    assert "zwisler2024" in cited
    assert {k for r in report.risks for k in r.sources} <= cited
    assert "not a verdict" in report.decision.disclaimer
    assert report.decision.reason


def test_lessons_are_not_repeated_across_risks_when_others_exist(reports):
    for report in reports.values():
        ids = [r.lesson.id for r in report.risks if r.lesson]
        assert len(ids) == len(set(ids))


def test_dont_knows_become_questions_to_ask_the_partner(reports, kb):
    report = reports["university-telehealth-unknowns.yaml"]
    funding = next(u for u in report.unknowns if u.question_id == "funding")
    assert funding.status == "don't know"
    probing = {q for f in ("insufficient-funding", "no-sustainability-plan") for q in kb.factors[f].probing_questions}
    assert funding.ask and set(funding.ask) <= probing
    assert next(u for u in report.unknowns if u.question_id == "people").status == "skipped"
    assert report.decision.confidence == "low"
    assert "9 of" in report.decision.confidence_reason


def test_a_risk_quotes_the_answer_that_raised_it(reports):
    report = reports["digital-health-data-deal.yaml"]
    data = next(r for r in report.risks if r.id == "data-and-ip-barriers")
    quoted = {e.answer for e in data.evidence}
    assert "Yes, and it is already causing delays or disagreement" in quoted
    assert "The company expects exclusive rights to the data or results" in quoted


def test_free_text_about_what_went_wrong_counts_as_evidence(reports):
    report = reports["ngo-ministry-hiv-struggling.yaml"]
    sources = {e.source for r in report.risks for e in r.evidence}
    assert "free text" in sources


def test_the_sector_view_marks_the_risks_that_came_up(reports):
    view = reports["charity-pharma-diabetes.yaml"].sector_view
    flagged = {r.id for r in view.risks if r.flagged}
    assert "conflict-of-interest" in flagged
    assert "lack-of-trust" not in flagged
