"""The shipped knowledge base is complete and consistent."""

from __future__ import annotations

import re

from bot.kb.loader import KnowledgeBase
from bot.kb.models import FactorKind
from tests.conftest import shared_file


def test_every_taxonomy_id_is_present_with_its_kind_complement_and_sources(kb: KnowledgeBase) -> None:
    assert len(kb.taxonomy) == 42
    for entry in kb.taxonomy.values():
        factor = kb.factor(entry.id)
        assert (factor.kind, factor.complements, factor.sources) == (entry.kind, entry.complements, entry.sources)
    assert len(kb.negatives) == 24 and len(kb.successes) == 18


def test_taxonomy_file_matches_the_handed_over_contract(kb: KnowledgeBase) -> None:
    text = shared_file("taxonomy.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z-]+) \| .*? \| ([a-z-]+) \| ([a-z0-9, ]+) \|$", text, re.M)
    contract = {fid: (comp, [s.strip() for s in src.split(",")]) for fid, comp, src in rows if fid != "id"}
    assert len(contract) == 42
    assert {fid: (e.complements, e.sources) for fid, e in kb.taxonomy.items()} == contract


def test_each_factor_has_the_writing_the_bot_needs(kb: KnowledgeBase) -> None:
    for factor in kb.factors.values():
        assert len(factor.warning_signs) >= 3, factor.id
        assert len(factor.probing_questions) >= 2, factor.id
        assert len(factor.what_to_do) >= 3, factor.id
        assert len(factor.triggers) >= 12, factor.id
        assert len(set(t.lower() for t in factor.triggers)) == len(factor.triggers), factor.id
        assert factor.sectors, factor.id
        assert factor.summary.count(". ") <= 1, factor.id


def test_lessons_are_labelled_composites_covering_every_factor(kb: KnowledgeBase) -> None:
    assert len(kb.lessons) >= 50
    assert all(lesson.composite for lesson in kb.lessons.values())
    for factor in kb.factors.values():
        assert kb.lessons_for(factor.id), factor.id


def test_every_source_key_has_a_full_citation(kb: KnowledgeBase) -> None:
    used = {key for factor in kb.factors.values() for key in factor.sources}
    assert used <= set(kb.sources)
    for source in kb.sources.values():
        assert source.authors and source.title and source.venue and source.year
        assert source.doi or source.url
    assert "10.1186/s12913-024-11944-7" in kb.sources["zwisler2024"].citation()


def test_sector_mixes_cover_every_combination(kb: KnowledgeBase) -> None:
    combos = {frozenset(s.value for s in mix.sectors) for mix in kb.sector_mixes}
    assert len(combos) == 7
    for mix in kb.sector_mixes:
        assert all(kb.factor(f).kind is FactorKind.negative for f in mix.factors)
