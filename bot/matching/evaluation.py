"""Score a matcher against labelled scenarios (used by the quality test and the quality benchmark)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from bot.matching.models import MatchResult


class Scenario(BaseModel):
    id: str
    text: str
    sectors: list[str] = Field(default_factory=list)
    region: str | None = None
    status: str | None = None
    risks: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    not_: list[str] = Field(default_factory=list, alias="not")


class Figures(BaseModel):
    scenarios: int
    risk_recall_at_5: float = Field(description="expected risks found in the top 5, over all expected (micro)")
    risk_recall_at_5_macro: float = Field(description="the same, averaged per scenario")
    strength_recall_at_3: float
    strength_recall_at_3_macro: float
    not_violation_rate: float = Field(description="share of all scenarios with a `not` id among reported risks")
    not_violation_rate_labelled: float = Field(description="the same, among scenarios that have `not` ids")
    violations: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"scenarios                 {self.scenarios}",
            f"risk recall@5             {self.risk_recall_at_5:.3f} (per-scenario mean {self.risk_recall_at_5_macro:.3f})",
            f"strength recall@3         {self.strength_recall_at_3:.3f} (per-scenario mean {self.strength_recall_at_3_macro:.3f})",
            f"'not' ids flagged         {self.not_violation_rate:.3f} of all scenarios"
            f" ({self.not_violation_rate_labelled:.3f} of those with 'not' ids)",
        ]


def load_scenarios(paths: Iterable[Path]) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for path in paths:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            scenarios.append(Scenario.model_validate(item))
    return scenarios


def _recall(pairs: list[tuple[set[str], list[str]]]) -> tuple[float, float]:
    labelled = [(expected, found) for expected, found in pairs if expected]
    if not labelled:
        return 1.0, 1.0
    hit = sum(len(expected & set(found)) for expected, found in labelled)
    total = sum(len(expected) for expected, _ in labelled)
    macro = sum(len(expected & set(found)) / len(expected) for expected, found in labelled) / len(labelled)
    return hit / total, macro


def evaluate(scenarios: list[Scenario], match: Callable[[str, list[str]], MatchResult]) -> Figures:
    risk_pairs: list[tuple[set[str], list[str]]] = []
    strength_pairs: list[tuple[set[str], list[str]]] = []
    violations: list[str] = []
    missed: list[str] = []
    for scenario in scenarios:
        result = match(scenario.text, scenario.sectors)
        risks = [h.id for h in result.risks]
        strengths = [h.id for h in result.strengths]
        risk_pairs.append((set(scenario.risks), risks[:5]))
        strength_pairs.append((set(scenario.strengths), strengths[:3]))
        bad = set(scenario.not_) & set(risks)
        if bad:
            violations.append(f"{scenario.id}: {', '.join(sorted(bad))}")
        lost = (set(scenario.risks) - set(risks[:5])) | (set(scenario.strengths) - set(strengths[:3]))
        if lost:
            missed.append(f"{scenario.id}: {', '.join(sorted(lost))}")
    risk_micro, risk_macro = _recall(risk_pairs)
    strength_micro, strength_macro = _recall(strength_pairs)
    labelled_not = sum(1 for s in scenarios if s.not_)
    return Figures(
        scenarios=len(scenarios),
        risk_recall_at_5=risk_micro,
        risk_recall_at_5_macro=risk_macro,
        strength_recall_at_3=strength_micro,
        strength_recall_at_3_macro=strength_macro,
        not_violation_rate=len(violations) / max(len(scenarios), 1),
        not_violation_rate_labelled=len(violations) / max(labelled_not, 1),
        violations=violations,
        missed=missed,
    )
