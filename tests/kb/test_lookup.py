"""`/factor` and `partnerbot factor` share one lookup: ids, names, synonyms and phrases, typos forgiven."""

from __future__ import annotations

import pytest

from bot.kb.loader import KnowledgeBase
from bot.kb.lookup import factor_card, lookup_factor


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("IP", "data-and-ip-barriers"),
        ("burocracy", "bureaucracy"),
        ("BUREAUCRAZY", "bureaucracy"),
        ("turnover", "champion-turnover"),
        ("our champion left", "champion-turnover"),
        ("the VP who pushed this left", "champion-turnover"),
        ("their lawyers have been sitting on the MOU since March", "bureaucracy"),
        ("power-imbalance", "power-imbalance"),
        ("Mission Drift", "mission-drift"),
        ("GDPR", "data-and-ip-barriers"),
        ("elections", "policy-and-political-instability"),
    ],
)
def test_finds_the_factor_people_mean(kb: KnowledgeBase, query: str, expected: str) -> None:
    result = lookup_factor(query, kb)
    assert result.status == "found", result.message
    assert result.factor is not None and result.factor.id == expected


def test_trust_finds_a_trust_factor_and_offers_its_complement(kb: KnowledgeBase) -> None:
    result = lookup_factor("trust", kb)
    assert result.status == "found" and result.factor is not None
    assert result.factor.id in {"lack-of-trust", "mutual-trust-and-respect"}
    assert {c.id for c in result.candidates} >= {"lack-of-trust", "mutual-trust-and-respect"}


def test_a_vague_query_offers_several_candidates(kb: KnowledgeBase) -> None:
    result = lookup_factor("roles", kb)
    assert result.status in {"ambiguous", "found"}
    ids = [c.id for c in result.candidates]
    assert "unclear-roles" in ids and "clear-roles-and-agreements" in ids


def test_ambiguity_is_reported_with_choices(kb: KnowledgeBase) -> None:
    result = lookup_factor("partners", kb)
    assert result.status == "ambiguous"
    assert len(result.candidates) >= 2 and "could mean" in result.message


@pytest.mark.parametrize("query", ["", "   ", "xyzzy qqq", "\x00\x01", "🙂🙂"])
def test_nothing_matches_gives_a_helpful_message(kb: KnowledgeBase, query: str) -> None:
    result = lookup_factor(query, kb)
    assert result.status == "none" and result.factor is None
    assert "trust" in result.message or "Try" in result.message


def test_a_huge_query_is_cut_not_crashed(kb: KnowledgeBase) -> None:
    result = lookup_factor("bureaucracy " * 10_000, kb)
    assert len(result.query) <= 200
    assert result.status in {"found", "ambiguous"}


def test_card_has_lessons_sources_and_complement(kb: KnowledgeBase) -> None:
    card = factor_card(kb.factor("champion-turnover"), kb)
    assert card.lessons and card.lessons[0].composite
    assert card.complement is not None and card.complement.id == "committed-champions"
    assert {s.key for s in card.sources} == {"wilder", "alderwick2021"}
