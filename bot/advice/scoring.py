"""Weigh the signals for each factor and settle contradictions between a risk and its opposite."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.interview.signals import Signal
from bot.kb.loader import KnowledgeBase
from bot.kb.models import FactorKind


@dataclass
class FactorScore:
    factor_id: str
    kind: FactorKind
    score: float
    signals: list[Signal] = field(default_factory=list)

    @property
    def structured(self) -> bool:
        """Raised by a choice the person made, not only by the matcher reading their words."""
        return any(s.source != "free text" for s in self.signals)


def combine(weights: list[float]) -> float:
    """Independent pieces of evidence: each one closes part of the remaining gap to certainty."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - max(0.0, min(1.0, weight))
    return round(1.0 - remaining, 4)


def opposites(kb: KnowledgeBase, factor_id: str) -> set[str]:
    """Factors that say the opposite: the declared complement and whatever declares this one."""
    factor = kb.factors[factor_id]
    found = {factor.complements} if factor.complements in kb.factors else set()
    found |= {f.id for f in kb.factors.values() if f.complements == factor_id}
    return {fid for fid in found if kb.factors[fid].kind is not factor.kind}


def score_factors(signals: list[Signal], kb: KnowledgeBase, min_signal: float) -> dict[str, FactorScore]:
    grouped: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        if signal.factor_id in kb.factors:
            grouped[signal.factor_id].append(signal)
    scores = {
        fid: FactorScore(fid, kb.factors[fid].kind, combine([s.weight for s in group]),
                         sorted(group, key=lambda s: -s.weight))
        for fid, group in grouped.items()
    }
    kept: dict[str, FactorScore] = {}
    for fid, item in scores.items():
        if item.score < min_signal:
            continue
        rivals = [scores[o] for o in opposites(kb, fid) if o in scores]
        if item.kind is FactorKind.success:
            # A strength the interview also contradicts is not something to build on yet.
            if any(r.score >= item.score for r in rivals):
                continue
        elif not item.structured and any(r.score > item.score for r in rivals):
            # The matcher's reading of the words gives way to a clear answer saying the opposite.
            continue
        kept[fid] = item
    return kept


def ranked(scores: dict[str, FactorScore], kind: FactorKind, kb: KnowledgeBase) -> list[FactorScore]:
    order = {fid: index for index, fid in enumerate(kb.factors)}
    chosen = [s for s in scores.values() if s.kind is kind]
    return sorted(chosen, key=lambda s: (-s.score, not s.structured, -len(s.signals), order[s.factor_id]))
