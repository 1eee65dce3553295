"""Which labelled scenario sets the benchmarks read: the project's own, the held-out set nobody tunes on
(tests/data/holdout/README.md), and the handed-over dev set if present."""

from __future__ import annotations

from pathlib import Path

from bot.matching.evaluation import Scenario, load_scenarios

REPO = Path(__file__).resolve().parents[1]
OWN = sorted((REPO / "tests" / "data" / "scenarios").glob("*.yaml"))
HELD_OUT = sorted((REPO / "tests" / "data" / "holdout").glob("*.yaml"))
DEV = REPO.parent / "shared" / "eval" / "dev-scenarios.yaml"


def scenario_sets() -> dict[str, list[Scenario]]:
    sets = {"own": load_scenarios(OWN), "held-out": load_scenarios(HELD_OUT)}
    if DEV.is_file():
        sets["dev"] = load_scenarios([DEV])
    return sets


def held_out_by_file() -> dict[str, list[Scenario]]:
    """Each held-out writer's set on its own: they differ in style, and so in difficulty."""
    return {path.stem: load_scenarios([path]) for path in HELD_OUT}
