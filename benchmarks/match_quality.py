"""Matcher quality against labelled scenarios, beside two baselines on the same sets.

    python benchmarks/match_quality.py

Prints risk recall@5, strength recall@3 and the share of scenarios with a `not` id among the reported
risks, for: our matcher; rapidfuzz over factor names alone; BM25 (bm25s) over factor descriptions.
Targets for our matcher: risk recall@5 >= 0.80, strength recall@3 >= 0.70, 'not' <= 0.05.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rapidfuzz import fuzz, utils  # noqa: E402

from _scenarios import held_out_by_file, scenario_sets  # noqa: E402
from bot.kb.loader import get_knowledge  # noqa: E402
from bot.kb.models import FactorKind  # noqa: E402
from bot.matching import get_matcher, match_text  # noqa: E402
from bot.matching.evaluation import Figures, evaluate  # noqa: E402
from bot.matching.models import FactorHit, MatchResult  # noqa: E402


def _result(kb, scored: list[tuple[str, float]], cutoff: float) -> MatchResult:  # type: ignore[no-untyped-def]
    hits = [
        FactorHit(id=fid, kind=kb.factors[fid].kind, score=min(max(score, 0.0), 1.0), evidence="", start=0, end=0)
        for fid, score in sorted(scored, key=lambda pair: -pair[1]) if score >= cutoff
    ]
    return MatchResult(
        risks=[h for h in hits if h.kind is FactorKind.negative][:5],
        strengths=[h for h in hits if h.kind is FactorKind.success][:3],
    )


def rapidfuzz_names(kb):  # type: ignore[no-untyped-def]
    names = {f.id: utils.default_process(f.name) for f in kb.factors.values()}

    def match(text: str, sectors: list[str]) -> MatchResult:
        processed = utils.default_process(text)
        scored = [(fid, fuzz.partial_token_set_ratio(name, processed) / 100) for fid, name in names.items()]
        return _result(kb, scored, cutoff=0.7)

    return match


def bm25_descriptions(kb):  # type: ignore[no-untyped-def]
    import bm25s

    ids = list(kb.factors)
    corpus = [f"{kb.factors[i].name}. {kb.factors[i].summary} {kb.factors[i].description}" for i in ids]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)

    def match(text: str, sectors: list[str]) -> MatchResult:
        tokens = bm25s.tokenize([text], stopwords="en", show_progress=False)
        docs, scores = retriever.retrieve(tokens, k=len(ids), show_progress=False)
        top = float(scores[0][0]) or 1.0
        scored = [(ids[int(d)], float(s) / top) for d, s in zip(docs[0], scores[0]) if s > 0]
        return _result(kb, scored, cutoff=0.35)

    return match


def lexicon_alone(kb):  # type: ignore[no-untyped-def]
    """Our matcher without its classifier: what the curated phrases and cues find by themselves."""
    matcher = get_matcher(kb).with_classifier(None)
    return lambda text, sectors: matcher.match(text, sectors)


def print_row(name: str, figures: Figures) -> None:
    print(f"{name:<32} {figures.risk_recall_at_5:>9.3f} {figures.strength_recall_at_3:>13.3f}"
          f" {figures.not_violation_rate:>12.3f}")


def main() -> int:
    kb = get_knowledge()
    matchers = {
        "partnerbot matcher": lambda text, sectors: match_text(text, sectors, kb),
        "  lexicon alone (no classifier)": lexicon_alone(kb),
        "rapidfuzz, factor names": rapidfuzz_names(kb),
        "BM25 (bm25s), descriptions": bm25_descriptions(kb),
    }
    for set_name, scenarios in scenario_sets().items():
        print(f"\n== {set_name} scenarios ({len(scenarios)})")
        print(f"{'matcher':<32} {'risk R@5':>9} {'strength R@3':>13} {'not flagged':>12}")
        for name, match in matchers.items():
            print_row(name, evaluate(scenarios, match))
        if set_name == "held-out":
            for writer, own_set in held_out_by_file().items():
                figures = evaluate(own_set, matchers["partnerbot matcher"])
                print_row(f"  partnerbot, {writer} ({len(own_set)})", figures)
    print("\ntargets (our matcher): risk R@5 >= 0.80, strength R@3 >= 0.70, not flagged <= 0.05")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
