"""What the factor classifier reads in a clause. Its own module because the shipped weights depend
on it: a change here means refitting them (`python -m bot.matching.training`)."""

from __future__ import annotations

from bot.matching.text import STOPWORDS, Clause, stem

NEGATED_REACH = 4  # words after a "not" that count as negated, as the matcher's NEGATION_REACH
NEGATED = "~"  # prefix of a negated stem's feature
FINE = "^"  # prefix of every stem in a clause that says something is no problem
# "no problem with trust", "money is not the worry", "not an issue": the negation says the topic is fine
PROBLEMS = frozenset(stem(w) for w in ("problem", "issue", "worry", "concern", "doubt", "obstacle", "barrier",
                                        "trouble", "question", "complaint", "drama", "headache"))
FILLERS = frozenset({"a", "an", "the", "any", "real", "big", "major", "much", "of", "one", "really", "at", "all"})


def _says_fine(clause: Clause) -> bool:
    """A negation followed, but for filler words, by a word for a problem."""
    tokens = clause.tokens
    for i, token in enumerate(tokens):
        if token.negator:
            j = i + 1
            while j < len(tokens) and tokens[j].text in FILLERS:
                j += 1
            if j < len(tokens) and tokens[j].stem in PROBLEMS:
                return True
    return False


def clause_features(clause: Clause) -> set[str]:
    """The clause's content stems, with "~stem" for a stem within a few words after a negation ("no one
    answers" is not "answers"). Pairs of neighbouring stems were tried as well: on scenario sets left
    out of training they lowered recall (0.75 against 0.77 and 0.81 against 0.83), as well as costing time."""
    out: set[str] = set()
    if _says_fine(clause):
        return {"FINE"} | {FINE + t.stem for t in clause.tokens if not t.negator and t.text not in STOPWORDS}
    reach = 0
    for token in clause.tokens:
        if token.negator:
            out.add("NEG")
            reach = NEGATED_REACH
            continue
        if token.text in STOPWORDS:
            continue
        if reach:
            out.add(NEGATED + token.stem)
            reach -= 1
        else:
            out.add(token.stem)
    return out
