"""The matcher (first version: fuzzy trigger matching per clause; improved in later commits)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from bot.kb.loader import KnowledgeBase, get_knowledge
from bot.kb.models import FactorKind
from bot.matching.models import FactorHit, MatchResult

MAX_CHARS = 4000
_CLAUSE = re.compile(r"[^.!?;\n]+")


class Matcher:
    def __init__(self, kb: KnowledgeBase, threshold: float = 70.0) -> None:
        self.kb = kb
        self.threshold = threshold
        self._phrases: list[str] = []
        self._owners: list[str] = []
        for factor in kb.factors.values():
            for phrase in factor.triggers:
                self._phrases.append(phrase.lower())
                self._owners.append(factor.id)

    def match(self, text: str, sectors: Iterable[str] = ()) -> MatchResult:
        truncated = len(text) > MAX_CHARS
        body = text[:MAX_CHARS]
        best: dict[str, FactorHit] = {}
        for clause in _CLAUSE.finditer(body):
            chunk = clause.group().strip()
            if len(chunk) < 3:
                continue
            for _, score, index in process.extract(
                chunk.lower(), self._phrases, scorer=fuzz.token_set_ratio, limit=5, score_cutoff=self.threshold
            ):
                factor = self.kb.factors[self._owners[index]]
                hit = FactorHit(
                    id=factor.id, kind=factor.kind, score=score / 100, evidence=chunk,
                    start=clause.start(), end=clause.end(),
                )
                if factor.id not in best or best[factor.id].score < hit.score:
                    best[factor.id] = hit
        ranked = sorted(best.values(), key=lambda h: -h.score)
        return MatchResult(
            risks=[h for h in ranked if h.kind is FactorKind.negative][:8],
            strengths=[h for h in ranked if h.kind is FactorKind.success][:6],
            truncated=truncated,
        )


_MATCHERS: dict[int, Matcher] = {}


def get_matcher(kb: KnowledgeBase | None = None) -> Matcher:
    """One matcher per knowledge base, built on first use (building it indexes every phrase)."""
    kb = kb or get_knowledge()
    matcher = _MATCHERS.get(id(kb))
    if matcher is None or matcher.kb is not kb:
        matcher = _MATCHERS[id(kb)] = Matcher(kb)
    return matcher


def match_text(text: str, sectors: Iterable[str] = (), kb: KnowledgeBase | None = None) -> MatchResult:
    return get_matcher(kb).match(text, sectors)
