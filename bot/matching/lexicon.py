"""Compile `knowledge/matching/*.yaml` (concepts, cues, polarity words) into fast lookup tables.

A term is a sequence of word patterns: a stem that must be equal, or a prefix (`resign*`). Terms are
indexed by their first word so that finding every term in a clause costs one dict look-up per token.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.kb.loader import KnowledgeBase, KnowledgeError, read_yaml
from bot.matching.text import Token, stem, tokenize

NUMBER_6_PLUS = "NUMBER_6_PLUS"
# Labels of the polarity word lists (a leading + keeps them apart from concept names).
POSITIVE = "+POSITIVE"
NOT_POSITIVE = "+NOT_POSITIVE"  # phrases in which a positive-state word says nothing is fine: "signed up"
HYPOTHETICAL = "+HYPOTHETICAL"
PAST_WORRY = "+PAST_WORRY"  # "we worried at first", "I expected": a fear that a "but" may dismiss


class CueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    all: list[str] = Field(min_length=1)
    weight: float = Field(default=0.75, ge=0.0, le=1.0)
    none: list[str] = Field(default_factory=list)
    window: Literal["clause", "sentence"] = "clause"
    requires: Literal["negation"] | None = None


class TriggerNoneSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    none: list[str] = Field(min_length=1)
    when: list[str] = Field(default_factory=list)  # only in a clause that also has one of these


class MatchingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    positive_state: list[str] = Field(default_factory=list)
    not_positive_state: list[str] = Field(default_factory=list)
    hypothetical: list[str] = Field(default_factory=list)
    past_worry: list[str] = Field(default_factory=list)
    concepts: dict[str, list[str]] = Field(default_factory=dict)
    cues: dict[str, list[CueSpec]] = Field(default_factory=dict)
    # per factor: concepts that cancel its trigger phrases (factors/<id>.yaml) found in the same clause
    trigger_none: dict[str, list[TriggerNoneSpec]] = Field(default_factory=dict)


def reduce_by_fields(self: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle a slotted dataclass as a constructor call.

    The matcher snapshot holds ~80,000 of these; the default slots pickling looks the fields up again
    for every object and would cost most of a second at each start of the command line.
    """
    return type(self), tuple(getattr(self, f.name) for f in fields(self))


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

    __reduce__ = reduce_by_fields


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[WordPattern, ...]
    label: str  # the concept (or marker list) the term belongs to
    has_negator: bool

    __reduce__ = reduce_by_fields


STAR = "STARMARK"  # stands in for a trailing `*` while tokenizing: the tokenizer keeps letters only
STAR_TEXT = STAR.lower()
# per word: its one-word terms, the longer prefixed terms it may start, and whether any two-word,
# three-word or word-and-prefix term starts with its stem (see TermIndex.find)
WordEntry = tuple[tuple["Term", ...], tuple[tuple["Term", int], ...], bool, bool, bool]
PREFIX_KEY = 4  # letters of a leading prefix pattern used as its key
THEN_PREFIX_KEY = 2  # letters of a prefix pattern that follows a plain word


@dataclass(slots=True)
class TermIndex:
    """Terms keyed so that each token costs a few look-ups and nearly every candidate found is a match.

    A plain word is keyed by its stem, a prefix pattern ("endorse*") by its first letters. Single
    words go under their stem; phrases under their first two or three stems, or a first stem and
    the first letters of a prefix that follows ("sign off*"); terms that start with a prefix pattern
    under its first four letters (or all of a shorter one). Each entry carries how many of its
    leading words the key already guarantees, so only the rest is compared.
    """

    singles: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    pairs: dict[tuple[str, str], list[tuple[Term, int]]] = field(default_factory=lambda: defaultdict(list))
    triples: dict[tuple[str, str, str], list[tuple[Term, int]]] = field(default_factory=lambda: defaultdict(list))
    then_prefix: dict[tuple[str, str], list[tuple[Term, int]]] = field(default_factory=lambda: defaultdict(list))
    starts: dict[str, set[str]] = field(default_factory=lambda: {"pairs": set(), "triples": set(), "then_prefix": set()})
    prefixed: dict[str, list[tuple[Term, int]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, term: Term) -> None:
        words = term.words
        keys = [_stem_key(w) for w in words[:3]]
        surface = any(w.surface for w in words[:3])  # keyed by stem, but compared as written
        if words[0].prefix:
            self.prefixed[keys[0][:PREFIX_KEY]].append((term, 0))
        elif len(words) == 1:
            self.singles[keys[0]].append(term)
        elif words[1].prefix:
            self.then_prefix[(keys[0], keys[1][:THEN_PREFIX_KEY])].append((term, 0 if surface else 1))
            self.starts["then_prefix"].add(keys[0])
        elif len(words) >= 3 and not words[2].prefix:
            self.triples[(keys[0], keys[1], keys[2])].append((term, 0 if surface else 3))
            self.starts["triples"].add(keys[0])
        else:
            self.pairs[(keys[0], keys[1])].append((term, 0 if surface else 2))
            self.starts["pairs"].add(keys[0])

    def find(
        self, tokens: tuple[Token, ...] | list[Token], seen: dict[str, WordEntry] | None = None
    ) -> list[tuple[Term, int, int]]:
        """Every (term, first token index, last token index + 1) present in the token sequence.

        `seen` remembers, per word, the single-word terms it matches and the prefixed terms it may
        start: messages repeat the same few hundred words, so most words are looked up only once."""
        found: list[tuple[Term, int, int]] = []
        append = found.append
        count = len(tokens)
        pairs, then_prefix, triples = self.pairs, self.then_prefix, self.triples
        seen = {} if seen is None else seen
        for i, token in enumerate(tokens):
            known = seen.get(token.text)
            if known is None:
                known = seen[token.text] = self._word_entry(token)
            singles, prefixed, starts_pair, starts_triple, starts_then_prefix = known
            for term in singles:
                append((term, i, i + 1))
            phrases: list[tuple[Term, int]] = []
            if i + 1 < count:
                following = tokens[i + 1]
                if starts_pair:
                    phrases.extend(pairs.get((token.stem, following.stem), ()))
                if starts_then_prefix:
                    for length in range(1, min(len(following.text), THEN_PREFIX_KEY) + 1):
                        phrases.extend(then_prefix.get((token.stem, following.text[:length]), ()))
                if starts_triple and i + 2 < count:
                    phrases.extend(triples.get((token.stem, following.stem, tokens[i + 2].stem), ()))
            for candidates in (prefixed, phrases):
                for term, checked in candidates:
                    n = len(term.words)
                    if checked == n or _matches_from(term.words, tokens, i, checked):
                        append((term, i, i + n))
        return found

    def _word_entry(self, token: Token) -> WordEntry:
        """The single-word terms a word matches, one per concept, and the longer terms that start with a
        prefix it has (those are compared where the word occurs)."""
        matched = [
            term for term in self.singles.get(token.stem, ())
            if not term.words[0].surface or token.text == term.words[0].value  # a plain stem is matched by its key
        ]
        text = token.text
        longer: list[tuple[Term, int]] = []
        for length in range(1, min(len(text), PREFIX_KEY) + 1):
            for term, checked in self.prefixed.get(text[:length], ()):
                if len(term.words) > 1:
                    longer.append((term, checked))
                elif _matches_from(term.words, (token,), 0, checked):  # "fund*" for "funding", settled once
                    matched.append(term)
        labels: set[str] = set()  # "funding" and "fund*" both say MONEY: once is enough
        singles = tuple(term for term in matched if not (term.label in labels or labels.add(term.label)))
        stem = token.stem
        return (singles, tuple(longer), stem in self.starts["pairs"], stem in self.starts["triples"],
                stem in self.starts["then_prefix"])


def _stem_key(word: WordPattern) -> str:
    """What a word is looked up by: the stem a token must have, or the letters it must start with."""
    if word.prefix:
        return word.stemmed or word.value
    return stem(word.value) if word.surface else word.value


def _matches_from(words: tuple[WordPattern, ...], tokens: tuple[Token, ...] | list[Token], i: int, k: int) -> bool:
    """Whether words[k:] match the tokens from i + k on (the first k are known to match)."""
    n = len(words)
    if i + n > len(tokens):
        return False
    while k < n:
        word, token = words[k], tokens[i + k]
        if word.prefix:
            if not token.text.startswith(word.stemmed or word.value):
                return False
        elif (token.text if word.surface else token.stem) != word.value:
            return False
        k += 1
    return True


@cache
def _word_pattern(value: str, prefix: bool, surface: bool, stemmed: str = "") -> WordPattern:
    """One shared object per distinct word: ~57,000 words in the terms are ~5,000 patterns."""
    return WordPattern(value, prefix, surface, stemmed)


def compile_term(raw: str, label: str, surface: bool = False) -> Term | None:
    return _term(_marked_tokens(raw), label, surface)


def _marked_tokens(raw: str) -> list[Token]:
    """The words of a lexicon entry, a trailing `*` kept as a mark the tokenizer passes through."""
    return tokenize(raw.replace("*", STAR))


def _term(tokens: list[Token], label: str, surface: bool) -> Term | None:
    words: list[WordPattern] = []
    negator = False
    for token in tokens:
        text = token.text
        if text.endswith(STAR_TEXT):
            prefix = text.removesuffix(STAR_TEXT)
            stemmed = prefix[:-1] if len(prefix) >= 5 and prefix.endswith("e") else prefix
            words.append(_word_pattern(prefix, True, False, stemmed))
        else:
            words.append(_word_pattern(text if surface else stem(text), False, surface))
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
    # factor -> (concepts that cancel its trigger phrases, concepts one of which must be there too, if any)
    trigger_none: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = field(default_factory=dict)


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


def _check_references(
    path: Path, field: str, names: dict[str, list[tuple[str, ...]]], kb: KnowledgeBase, concepts: dict[str, list[str]]
) -> None:
    """Every factor a matching file names exists, and every concept its entries use is defined somewhere."""
    for factor_id, entries in names.items():
        if factor_id not in kb.factors:
            raise KnowledgeError(path, factor_id, field, f"unknown factor id '{factor_id}'")
        for name in (name for entry in entries for name in entry):
            if name != NUMBER_6_PLUS and name not in concepts:
                raise KnowledgeError(path, factor_id, field, f"unknown concept '{name}'")


def build_lexicon(kb: KnowledgeBase) -> Lexicon:
    """Merge every matching file (ours, then the team's: a team's concept or cue list replaces ours)."""
    concepts: dict[str, list[str]] = {}
    cue_specs: dict[str, list[CueSpec]] = {}
    trigger_none: dict[str, list[TriggerNoneSpec]] = {}
    positive: list[str] = []
    not_positive: list[str] = []
    hypothetical: list[str] = []
    past_worry: list[str] = []
    specs = _load_specs(kb)
    for _, spec in specs:
        concepts.update(spec.concepts)
        cue_specs.update(spec.cues)
        trigger_none.update(spec.trigger_none)
        positive.extend(spec.positive_state)
        not_positive.extend(spec.not_positive_state)
        hypothetical.extend(spec.hypothetical)
        past_worry.extend(spec.past_worry)
    for path, spec in specs:
        cue_names = {f: [(*c.all, *c.none) for c in cues] for f, cues in spec.cues.items()}
        _check_references(path, "cues", cue_names, kb, concepts)
        rule_names = {f: [(*r.none, *r.when) for r in rules] for f, rules in spec.trigger_none.items()}
        _check_references(path, "trigger_none", rule_names, kb, concepts)

    index = TermIndex()
    vocabulary: set[str] = set()
    markers = (
        (POSITIVE, positive), (NOT_POSITIVE, not_positive), (HYPOTHETICAL, hypothetical), (PAST_WORRY, past_worry)
    )
    for label, terms in (*concepts.items(), *markers):
        for raw in terms:
            tokens = _marked_tokens(raw)
            term = _term(tokens, label, surface=label.startswith("+"))
            if term is not None:
                index.add(term)
                vocabulary.update(t.text.removesuffix(STAR_TEXT) for t in tokens)
    cues = [
        Cue(factor_id, tuple(c.all), c.weight, tuple(c.none), c.window, c.requires == "negation")
        for factor_id, specs in cue_specs.items()
        for c in specs
    ]
    for factor in kb.factors.values():
        for phrase in (*factor.triggers, *factor.synonyms, factor.name):
            vocabulary.update(t.text for t in tokenize(phrase))
    return Lexicon(
        index, cues, sorted(w for w in vocabulary if len(w) >= 6),
        {
            factor_id: tuple((tuple(rule.none), tuple(rule.when)) for rule in rules)
            for factor_id, rules in trigger_none.items() if rules
        },
    )
