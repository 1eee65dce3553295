"""Compile `knowledge/matching/*.yaml` (concepts, cues, polarity words) into fast lookup tables.

A term is a sequence of word patterns: a stem that must be equal, or a prefix (`resign*`). Terms are
indexed by their first word so that finding every term in a clause costs one dict look-up per token.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.kb.loader import KnowledgeBase, KnowledgeError, read_yaml
from bot.matching.text import Token, stem, tokenize

NUMBER_6_PLUS = "NUMBER_6_PLUS"


class CueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    all: list[str] = Field(min_length=1)
    weight: float = Field(default=0.75, ge=0.0, le=1.0)
    none: list[str] = Field(default_factory=list)
    window: Literal["clause", "sentence"] = "clause"
    requires: Literal["negation"] | None = None


class MatchingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    positive_state: list[str] = Field(default_factory=list)
    hypothetical: list[str] = Field(default_factory=list)
    concepts: dict[str, list[str]] = Field(default_factory=dict)
    cues: dict[str, list[CueSpec]] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WordPattern:
    value: str
    prefix: bool
    surface: bool = False  # compare the word as written, not its stem
    stemmed: str = ""  # for a prefix ending in e: without it, so "endorse*" takes "endorsing"

    def matches(self, token: Token) -> bool:
        if self.prefix:  # "endorse*" also takes "endorsing": the prefix is compared as written and as stemmed
            return token.text.startswith(self.value) or token.text.startswith(self.stemmed)
        return token.text == self.value if self.surface else token.stem == self.value


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[WordPattern, ...]
    label: str  # the concept (or marker list) the term belongs to
    has_negator: bool


@dataclass(slots=True)
class TermIndex:
    """Terms keyed by their first word (and second, for phrases), so each token costs a few look-ups.

    Single words are keyed by stem; phrases whose first two words are plain by (stem, stem); the rest
    (a prefix pattern in the first two words) by the first three letters of their first word.
    """

    singles: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    pairs: dict[tuple[str, str], list[Term]] = field(default_factory=lambda: defaultdict(list))
    prefixed: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))

    def add(self, term: Term) -> None:
        first = term.words[0]
        key = stem(first.value) if first.surface else first.value
        if first.prefix or (len(term.words) > 1 and term.words[1].prefix):
            self.prefixed[first.value[:3]].append(term)  # a shorter prefix ("gp*") is its own key
        elif len(term.words) == 1:
            self.singles[key].append(term)
        else:
            second = term.words[1]
            self.pairs[(key, stem(second.value) if second.surface else second.value)].append(term)

    def find(self, tokens: tuple[Token, ...] | list[Token]) -> list[tuple[Term, int, int]]:
        """Every (term, first token index, last token index + 1) present in the token sequence."""
        found: list[tuple[Term, int, int]] = []
        count = len(tokens)
        for i, token in enumerate(tokens):
            for term in self.singles.get(token.stem, ()):
                if term.words[0].matches(token):
                    found.append((term, i, i + 1))
            candidates: list[Term] = []
            if i + 1 < count:
                candidates.extend(self.pairs.get((token.stem, tokens[i + 1].stem), ()))
            for length in (3, 2, 1):
                candidates.extend(self.prefixed.get(token.text[:length], ()))
            for term in candidates:
                n = len(term.words)
                if i + n > count:
                    continue
                for k in range(n):
                    if not term.words[k].matches(tokens[i + k]):
                        break
                else:
                    found.append((term, i, i + n))
        return found


def compile_term(raw: str, label: str, surface: bool = False) -> Term | None:
    words: list[WordPattern] = []
    negator = False
    for token in tokenize(raw.replace("*", "STARMARK")):
        text = token.text
        if text.endswith("starmark"):
            prefix = text.removesuffix("starmark")
            stemmed = prefix[:-1] if len(prefix) >= 5 and prefix.endswith("e") else prefix
            words.append(WordPattern(prefix, True, False, stemmed))
        else:
            words.append(WordPattern(text if surface else stem(text), False, surface))
        negator = negator or token.negator
    if not words or any(not w.value for w in words):
        return None
    return Term(tuple(words), label, negator)


@dataclass(frozen=True)
class Cue:
    factor_id: str
    concepts: tuple[str, ...]
    weight: float
    none: tuple[str, ...]
    window: str
    requires_negation: bool = False


@dataclass
class Lexicon:
    terms: TermIndex
    cues: list[Cue]
    vocabulary: list[str]  # the longer words the knowledge base uses, for typo correction


def _load_specs(kb: KnowledgeBase) -> list[tuple[Path, MatchingSpec]]:
    """Every matching file, directory by directory (ours first); a concept is defined once per directory."""
    specs: list[tuple[Path, MatchingSpec]] = []
    for directory in kb.directories:
        defined: dict[str, Path] = {}
        for path in sorted((directory / "matching").glob("*.yaml")):
            data: Any = read_yaml(path) or {}
            try:
                spec = MatchingSpec.model_validate(data)
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(part) for part in first["loc"])
                raise KnowledgeError(path, None, field, first["msg"]) from None
            for name in spec.concepts:
                if name in defined:
                    raise KnowledgeError(path, name, "concepts", f"concept already defined in {defined[name].name}")
                defined[name] = path
            specs.append((path, spec))
    return specs


def build_lexicon(kb: KnowledgeBase) -> Lexicon:
    """Merge every matching file (ours, then the team's: a team's concept or cue list replaces ours)."""
    concepts: dict[str, list[str]] = {}
    cue_specs: dict[str, list[CueSpec]] = {}
    positive: list[str] = []
    hypothetical: list[str] = []
    specs = _load_specs(kb)
    for _, spec in specs:
        concepts.update(spec.concepts)
        cue_specs.update(spec.cues)
        positive.extend(spec.positive_state)
        hypothetical.extend(spec.hypothetical)
    for path, spec in specs:
        for factor_id, cue_list in spec.cues.items():
            if factor_id not in kb.factors:
                raise KnowledgeError(path, factor_id, "cues", f"unknown factor id '{factor_id}'")
            for cue in cue_list:
                for name in (*cue.all, *cue.none):
                    if name != NUMBER_6_PLUS and name not in concepts:
                        raise KnowledgeError(path, factor_id, "cues", f"unknown concept '{name}'")

    index = TermIndex()
    vocabulary: set[str] = set()
    for label, terms in (*concepts.items(), ("+POSITIVE", positive), ("+HYPOTHETICAL", hypothetical)):
        for raw in terms:
            term = compile_term(raw, label, surface=label.startswith("+"))
            if term is not None:
                index.add(term)
                vocabulary.update(t.text for t in tokenize(raw.replace("*", "")))
    cues = [
        Cue(factor_id, tuple(c.all), c.weight, tuple(c.none), c.window, c.requires == "negation")
        for factor_id, specs in cue_specs.items()
        for c in specs
    ]
    for factor in kb.factors.values():
        for phrase in (*factor.triggers, *factor.synonyms, factor.name):
            vocabulary.update(t.text for t in tokenize(phrase))
    return Lexicon(index, cues, sorted(w for w in vocabulary if len(w) >= 6))
