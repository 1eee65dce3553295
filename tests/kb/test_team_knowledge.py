"""A team's own knowledge directory adds factors and lessons and overrides wording, validated the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.loader import KnowledgeError, load_knowledge

NEW_FACTOR = """
id: procurement-freeze
kind: negative
name: Procurement freeze
category: process-and-structure
complements: flexibility-and-adaptability
sources: [auschra2018]
summary: A spending freeze stops any new contract, however small.
description: Our health board freezes new contracts every winter, so partnerships that need a purchase order stall.
warning_signs: [A freeze notice arrives, Finance stops answering, Purchase orders bounce]
probing_questions:
  - Is a freeze expected this year?
  - Can the work start without a purchase order?
what_to_do: [Ask finance for the freeze calendar, Sign before November, Use an existing framework contract]
sectors: [government]
triggers:
  - the winter spending freeze stopped the contract
  - finance froze all new purchase orders
  - nothing can be bought until April
  - the freeze blocks every new supplier
  - procurement is closed for the quarter
  - we missed the window before the freeze
  - purchase orders are on hold again
  - no new contracts until the new financial year
  - the board froze discretionary spend
  - our PO has been stuck since the freeze
  - cost controls stopped the pilot contract
  - spending embargo on anything new
"""

LESSON = """
- id: lesson-team-freeze
  title: The pilot that waited for spring
  factors: [procurement-freeze]
  sectors: [government, industry]
  region: eu-plus
  status: struggling
  what_happened: A health board agreed a pilot with a supplier in October; the winter freeze held the purchase order until April.
  lesson: Check the finance calendar before promising a start date.
"""


def _team_dir(tmp_path: Path) -> Path:
    team = tmp_path / "team-knowledge"
    (team / "factors").mkdir(parents=True)
    (team / "lessons").mkdir()
    return team


def test_team_adds_a_factor_and_a_lesson_and_overrides_wording(tmp_path: Path) -> None:
    team = _team_dir(tmp_path)
    (team / "factors" / "procurement-freeze.yaml").write_text(NEW_FACTOR, encoding="utf-8")
    (team / "factors" / "lack-of-trust.yaml").write_text(
        "id: lack-of-trust\nsummary: In our region, trust is built over tea, not contracts.\n", encoding="utf-8"
    )
    (team / "lessons" / "ours.yaml").write_text(LESSON, encoding="utf-8")
    kb = load_knowledge([team])
    assert kb.factor("procurement-freeze").name == "Procurement freeze"
    assert kb.factor("lack-of-trust").summary.startswith("In our region")
    assert kb.factor("lack-of-trust").warning_signs  # the rest of our wording is kept
    assert [lesson.id for lesson in kb.lessons_for("procurement-freeze")] == ["lesson-team-freeze"]
    assert len(kb.factors) == 43


def test_team_factor_is_validated_the_same_way(tmp_path: Path) -> None:
    team = _team_dir(tmp_path)
    (team / "factors" / "procurement-freeze.yaml").write_text(NEW_FACTOR.replace("sources: [auschra2018]", "sources: [our-wiki]"), encoding="utf-8")
    (team / "lessons" / "ours.yaml").write_text(LESSON, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([team])
    assert caught.value.file.endswith("procurement-freeze.yaml") and caught.value.field == "sources"


def test_team_cannot_change_a_taxonomy_kind(tmp_path: Path) -> None:
    team = _team_dir(tmp_path)
    (team / "factors" / "bureaucracy.yaml").write_text("id: bureaucracy\nkind: success\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="bureaucracy.*kind"):
        load_knowledge([team])


def test_missing_team_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="knowledge directory not found"):
        load_knowledge([tmp_path / "nowhere"])
