"""Matcher quality on labelled scenarios: the handed-over dev set (where present) and our own sets.

Targets: risk recall@5 >= 0.80, strength recall@3 >= 0.70, and at most 5% of scenarios with a `not` id
(a topic mentioned positively or negated) among the reported risks. `benchmarks/match_quality.py` prints
the same figures beside two baselines.
"""

from __future__ import annotations

from pathlib import Path

from bot.kb.loader import KnowledgeBase
from bot.matching import match_text
from bot.matching.evaluation import Figures, Scenario, evaluate, load_scenarios
from tests.conftest import shared_file

OWN = sorted((Path(__file__).resolve().parents[1] / "data" / "scenarios").glob("*.yaml"))
HELD_OUT = sorted((Path(__file__).resolve().parents[1] / "data" / "holdout").glob("*.yaml"))


def _figures(paths: list[Path], kb: KnowledgeBase) -> Figures:
    return evaluate(load_scenarios(paths), lambda text, sectors: match_text(text, sectors, kb))


def _assert_targets(figures: Figures) -> None:
    report = "\n".join(figures.lines() + ["violations: " + "; ".join(figures.violations)])
    assert figures.risk_recall_at_5 >= 0.80, report
    assert figures.strength_recall_at_3 >= 0.70, report
    assert figures.not_violation_rate <= 0.05, report


def test_dev_set_meets_the_targets(kb: KnowledgeBase) -> None:
    _assert_targets(_figures([shared_file("eval/dev-scenarios.yaml")], kb))


def test_own_scenarios_are_plentiful_and_well_formed(kb: KnowledgeBase) -> None:
    scenarios = load_scenarios(OWN)
    assert len(scenarios) >= 40
    _assert_well_formed(scenarios, kb)


def test_held_out_scenarios_are_well_formed(kb: KnowledgeBase) -> None:
    """Only their form: their figures are read, never asserted (tests/data/holdout/README.md)."""
    scenarios = load_scenarios(HELD_OUT)
    assert len(scenarios) >= 40
    _assert_well_formed(scenarios, kb)


def _assert_well_formed(scenarios: list[Scenario], kb: KnowledgeBase) -> None:
    assert len({s.id for s in scenarios}) == len(scenarios)
    for scenario in scenarios:
        for factor_id in (*scenario.risks, *scenario.not_):
            assert kb.factor(factor_id).kind.value == "negative", (scenario.id, factor_id)
        for factor_id in scenario.strengths:
            assert kb.factor(factor_id).kind.value == "success", (scenario.id, factor_id)
        assert not set(scenario.risks) & set(scenario.not_), scenario.id


def test_own_scenarios_meet_the_targets(kb: KnowledgeBase) -> None:
    """All our labelled sets together. Writers e, f, g, i to y and z1 to z6 wrote without sight of the
    matcher's data, from the factor definitions alone; the lexicon was then widened where it missed f,
    g, i and j, the classifier's settings were chosen on sets left out of its training (k and l, then
    p, r and s, then t to y), and the classifier is fitted to all of them, so these sets guard against
    losing what was learned, not against overfitting."""
    _assert_targets(_figures(OWN, kb))
