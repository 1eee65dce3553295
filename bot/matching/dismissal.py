"""Fears the text goes on to say did not come true ("We worried at first about competing for donors, but
we fundraise in different areas"). Neither the lexicon nor the classifier reads them as facts, so the
classifier's weights depend on this module too (`python -m bot.matching.training`)."""

from __future__ import annotations

from bot.matching.text import Clause

CONTRAST_JOINS = frozenset({"but", "however", "though", "although", "yet", "whereas"})
CONTRAST_OPENERS = frozenset({"but", "however", "yet", "instead", "actually", "fortunately", "luckily", "thankfully",
                              "happily", "surprisingly", "none", "now", "today", "nowadays"})
CONTRAST_OPENING_PAIRS = frozenset({("in", "fact"), ("it", "turned"), ("as", "it"), ("turns", "out"),
                                    ("turned", "out"), ("in", "reality"), ("in", "practice"), ("these", "days"),
                                    ("that's", "changed"), ("that", "changed"), ("things", "changed"), ("all", "that"),
                                    ("we", "fixed"), ("we", "solved")})


def dismissed_worries(text: str, parts: list[Clause], feared: list[int], sentence_of: list[int]) -> set[int]:
    """Of the clauses that voice a past fear (`feared`: those with a `past_worry` term), the ones the text
    goes on to say did not come true: "Conflict of interest
    was my first worry, but the offer is unbranded"; "We expected months of paperwork. In fact ...".

    With the contrast later in the same sentence, the clauses before it are dismissed (the fear may name
    its topic first: "the officer who started it retired, and I was afraid, but nothing broke"); with
    the contrast opening the next sentence, the whole sentence is. What follows the contrast stands:
    "At first the delays looked like bureaucracy, but they simply don't trust us" is a trust risk."""
    dismissed: set[int] = set()
    for i in feared:
        if i in dismissed:
            continue
        members = [j for j in range(len(parts)) if sentence_of[j] == sentence_of[i]]
        contrast = next((j for j in members if j > i and _opens_contrast(text, parts, j)), None)
        if contrast is not None:
            dismissed.update(j for j in members if j < contrast)
        elif members[-1] + 1 < len(parts) and _opens_contrast(text, parts, members[-1] + 1):
            dismissed.update(members)
    return dismissed


def _opens_contrast(text: str, parts: list[Clause], index: int) -> bool:
    """The clause is joined by "but", "however" ..., or opens with "in fact", "instead", "luckily" ..."""
    joins = text[parts[index - 1].end:parts[index].start].lower().split()
    tokens = parts[index].tokens
    first = tokens[0].text if tokens else ""
    second = tokens[1].text if len(tokens) > 1 else ""
    return (not CONTRAST_JOINS.isdisjoint(joins) or first in CONTRAST_OPENERS
            or (first, second) in CONTRAST_OPENING_PAIRS)
