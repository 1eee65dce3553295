"""Per-factor phrase checks: sentences that must be recognised as the factor, and sentences that mention
its topic positively or negated and so must not be (tests/matching/phrases/<factor-id>.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.kb.loader import KnowledgeBase
from bot.matching import match_text

PHRASES = Path(__file__).parent / "phrases"


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for path in sorted(PHRASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for sentence in data.get("present", []):
            cases.append((path.stem, "present", sentence))
        for sentence in data.get("absent", []):
            cases.append((path.stem, "absent", sentence))
    return cases


CASES = _cases()


@pytest.mark.parametrize(("factor_id", "expect", "sentence"), CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_phrase(kb: KnowledgeBase, factor_id: str, expect: str, sentence: str) -> None:
    result = match_text(sentence, (), kb)
    kind = kb.factor(factor_id).kind.value
    reported = [h.id for h in (result.risks if kind == "negative" else result.strengths)]
    if expect == "present":
        assert factor_id in reported, f"not recognised; reported {reported}"
    else:
        assert factor_id not in [h.id for h in result.risks] if kind == "negative" else factor_id not in reported, (
            f"wrongly reported; reported {reported}"
        )


def test_every_phrase_file_names_a_known_factor(kb: KnowledgeBase) -> None:
    for path in PHRASES.glob("*.yaml"):
        assert path.stem in kb.factors, path.name
