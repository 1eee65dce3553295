"""Find a factor by what someone types: its id, name, a synonym or a phrase, with typos forgiven.

One function serves the command line and Slack's `/factor`, so both answer the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from rapidfuzz import fuzz, process, utils

from bot.kb.loader import KnowledgeBase, get_knowledge
from bot.kb.models import Factor, Lesson, Source

MAX_QUERY_CHARS = 200
FOUND_AT = 86.0  # a candidate this close is taken as meant ...
CLEAR_MARGIN = 6.0  # ... when the next one (other than its own complement) is this far behind
CANDIDATE_AT = 62.0  # anything this close is worth offering
TYPO_FOUND_AT = 78.0  # one misspelt word ("burocracy") is taken as meant when nothing else comes close


class Candidate(BaseModel):
    id: str
    name: str
    kind: str
    score: float
    matched: str


class LookupResult(BaseModel):
    status: Literal["found", "ambiguous", "none"]
    query: str
    factor: Factor | None = None
    candidates: list[Candidate] = []
    message: str


class FactorCard(BaseModel):
    """What a factor card shows, in the order people need it."""

    factor: Factor
    complement: Factor | None
    lessons: list[Lesson]
    sources: list[Source]


@dataclass(frozen=True)
class _Entry:
    text: str
    factor_id: str
    weight: float  # names and synonyms count a little more than trigger phrases


_INDEXES: dict[int, tuple[KnowledgeBase, list[_Entry], list[str]]] = {}


def clean_query(raw: str) -> str:
    """Fold unicode, drop control characters and collapse white space."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip().strip("\"'`")
    return text[:MAX_QUERY_CHARS]


def _index(kb: KnowledgeBase) -> tuple[list[_Entry], list[str]]:
    cached = _INDEXES.get(id(kb))
    if cached is None or cached[0] is not kb:
        entries: list[_Entry] = []
        for factor in kb.factors.values():
            entries.append(_Entry(factor.id, factor.id, 1.0))
            entries.append(_Entry(factor.id.replace("-", " "), factor.id, 1.0))
            entries.append(_Entry(factor.name, factor.id, 1.0))
            entries.extend(_Entry(s, factor.id, 0.98) for s in factor.synonyms)
            entries.extend(_Entry(t, factor.id, 0.93) for t in factor.triggers)
        texts = [utils.default_process(e.text) for e in entries]
        cached = _INDEXES[id(kb)] = (kb, entries, texts)
    return cached[1], cached[2]


_STOP = frozenset("a an the and or of to in on at for with by from is are was were be it this that we our they their who has have".split())


def _content(text: str) -> str:
    return " ".join(word for word in text.split() if word not in _STOP)


def _score(query: str, choice: str, **_: object) -> float:
    """Whole-phrase similarity (typos forgiven), a word found inside a name, or most words shared."""
    if not query or not choice:
        return 0.0
    if len(query) <= 4:  # "IP", "MOU": only an exact short word counts
        return 100.0 if query == choice or query in choice.split() else 0.0
    whole = fuzz.ratio(query, choice)
    inside = 92.0 if " " not in query and query in choice.split() else 0.0
    q, c = _content(query), _content(choice)
    shared = fuzz.token_set_ratio(q, c) * 0.95 if len(q.split()) >= 2 and len(c.split()) >= 2 else 0.0
    return max(whole, inside, shared)


def lookup_factor(query: str, kb: KnowledgeBase | None = None) -> LookupResult:
    kb = kb or get_knowledge()
    cleaned = clean_query(query)
    processed = utils.default_process(cleaned)
    if not processed:
        return LookupResult(
            status="none", query=cleaned,
            message="Type a factor to look up, for example: trust, funding, IP, turnover, bureaucracy.",
        )
    entries, texts = _index(kb)
    best: dict[str, Candidate] = {}
    for _, score, index in process.extract(processed, texts, scorer=_score, limit=60, score_cutoff=CANDIDATE_AT - 10):
        entry = entries[index]
        weighted = score * entry.weight
        current = best.get(entry.factor_id)
        if current is None or current.score < weighted:
            factor = kb.factors[entry.factor_id]
            best[entry.factor_id] = Candidate(
                id=factor.id, name=factor.name, kind=factor.kind.value, score=round(weighted, 1), matched=entry.text
            )
    if len(_content(processed).split()) >= 3:  # a phrase: let the matcher say what it describes
        _add_matcher_candidates(cleaned, kb, best)
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.kind != "negative", c.id))
    ranked = [c for c in ranked if c.score >= CANDIDATE_AT][:6]
    if not ranked:
        hints = ", ".join(f.name.lower() for f in kb.negatives[:4])
        return LookupResult(
            status="none", query=cleaned,
            message=f"No factor matches '{cleaned}'. Try a topic such as {hints}, or run the list of factors.",
        )
    top = ranked[0]
    complement = kb.factors[top.id].complements
    rivals = [c for c in ranked[1:] if c.id != complement]
    margin = top.score - rivals[0].score if rivals else 100.0
    single_word_typo = " " not in processed and top.score >= TYPO_FOUND_AT and margin >= 2 * CLEAR_MARGIN
    if (top.score >= FOUND_AT and margin >= CLEAR_MARGIN) or single_word_typo:
        return LookupResult(
            status="found", query=cleaned, factor=kb.factors[top.id], candidates=ranked,
            message=f"{top.name} (matched '{top.matched}')",
        )
    names = ", ".join(c.name for c in ranked[:4])
    return LookupResult(
        status="ambiguous", query=cleaned, candidates=ranked,
        message=f"'{cleaned}' could mean several factors: {names}. Pick one.",
    )


def _add_matcher_candidates(query: str, kb: KnowledgeBase, best: dict[str, Candidate]) -> None:
    from bot.matching import match_text

    result = match_text(query, (), kb)
    for hit in (*result.risks, *result.strengths):
        score = round(80.0 + 20.0 * hit.score, 1)
        if hit.id not in best or best[hit.id].score < score:
            factor = kb.factors[hit.id]
            best[hit.id] = Candidate(id=factor.id, name=factor.name, kind=factor.kind.value, score=score,
                                     matched=hit.evidence)


def factor_card(factor: Factor, kb: KnowledgeBase | None = None) -> FactorCard:
    kb = kb or get_knowledge()
    return FactorCard(
        factor=factor,
        complement=kb.factors.get(factor.complements),
        lessons=kb.lessons_for(factor.id),
        sources=kb.citations(factor.sources),
    )
