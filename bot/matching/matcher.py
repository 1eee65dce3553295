"""Find the risk and success factors in free text.

Three kinds of evidence:
- cues: combinations of concepts from `knowledge/matching/` ("a key person" + "left"), read clause by
  clause, which generalise to wordings nobody wrote down;
- trigger phrases from each factor file, matched by weighted word overlap, so a close paraphrase of a
  curated phrase counts even with other words around it;
- the factor classifier (`classifier.py`), per sentence and over the whole message, for what neither
  of those covers: it only adds a factor they missed, when it is very sure, ranked after theirs.
Words are stemmed, and longer words that are not English words (nor inflections of one) are taken
for typos and corrected against the knowledge base's vocabulary with rapidfuzz. Polarity is checked
per hit: a negated risk is dropped, a risk stated as fine becomes its complementary strength, a
negated strength becomes its complementary risk, and a wish or request ("we asked to adapt") is not
taken as a fact. Last, a risk whose topic the whole message calls fine (the classifier's `fine` model)
is dropped.
"""

from __future__ import annotations

import copy
import gc
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from bot.kb.loader import KnowledgeBase, get_knowledge
from bot.kb.models import FactorKind
from bot.matching.classifier import FactorClassifier
from bot.matching.dismissal import dismissed_worries
from bot.matching.features import clause_features
from bot.matching.lexicon import (
    HYPOTHETICAL,
    NOT_POSITIVE,
    NUMBER_6_PLUS,
    PAST_WORRY,
    POSITIVE,
    Cue,
    Lexicon,
    Term,
    TermIndex,
    build_lexicon,
    compile_term,
    reduce_by_fields,
)
from bot.matching.models import FactorHit, MatchResult
from bot.matching.text import STOPWORDS, Clause, Token, clauses, clean, negation_base, stem, tokenize
from bot.matching.words import is_english

MAX_CHARS = 20_000  # read at most this much of one text; the rest is reported as truncated
RISK_MIN = 0.6
STRENGTH_MIN = 0.6
MAX_RISKS = 6
MAX_STRENGTHS = 4
NEGATION_REACH = 4  # tokens before a hit that a "not" still governs
HYPOTHETICAL_REACH = 6  # tokens after a wish ("we want to", "whether") that it governs, if nothing ends it first
GC_YOUNG_THRESHOLD = 10_000  # allocations between young-generation collections, once a matcher is loaded
MAX_REMEMBERED_WORDS = 50_000  # distinct words kept per process, for typo corrections and term look-ups
FLIP_FACTOR = 0.85  # a complement inferred by polarity is weaker evidence than a direct statement
EVIDENCE_CHARS = 220
# A trigger phrase counts when the clause holds most of its (idf-weighted) content words.
TRIGGER_MIN_SHARED = 3
TRIGGER_MIN_COVERAGE = 0.7
TRIGGER_BASE = 0.45
TRIGGER_SPAN = 0.45
WIDE_NEGATION_REACH = 8  # ... and "nobody", "never" reach this far
POSITIVE_REACH = 6  # "secured", "fine": how near the topic they must be to turn it
# The classifier adds a risk the lexicon missed only when this sure, and a strength when a little less
# sure (a wrong strength misleads less than a wrong risk alarms); both chosen on blind scenario sets
# left out of its training. Scored from CLASSIFIER_BASE up, so it ranks after most of what the lexicon found.
CLASSIFIER_MIN = 0.9
CLASSIFIER_STRENGTH_MIN = 0.8
CLASSIFIER_BASE = 0.64
CLASSIFIER_SPAN = 0.04  # from CLASSIFIER_BASE at the threshold to BASE + SPAN when certain
# A risk is not reported when the classifier's "said to be fine" model is this sure the message calls its
# topic fine: chosen on scenario sets left out of training, where it removed a fifth of the `not` flags
# for a loss of risk recall under 0.01.
FINE_VETO = 0.7
# A strength in a clause with one of these is wanted, not had ("we need a champion on each side",
# "ideally there would be a named lead", "we should have started on one ward").
UNREALISED = frozenset({"need", "needs", "needed", "wish", "ideally", "should", "would", "could", "hope",
                        "hoping", "want", "wants", "wanted", "if", "whether", "plan", "planning", "lack"})
# A wish's scope ends at a comma, or at a join that starts a new statement: "and" + "their lawyers ...".
SCOPE_JOINS = frozenset({"and", "but", "so", "then", "yet", "while", "whereas", "though", "although"})
NEW_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "it", "our", "their", "his", "her", "its", "nobody",
                          "noone", "no", "everyone", "everybody", "someone", "somebody", "nothing", "everything"})
PRONOUNS = frozenset({"i", "we", "you", "they", "he", "she", "it"})
WIDE_NEGATORS = frozenset({"nobody", "noone", "never", "neither", "none", "nothing"})  # also with 's, 'll
NUMBER_WORDS = frozenset({"six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
                          "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
                          "fifty", "sixty", "dozen", "dozens", "hundred", "hundreds"})


@dataclass(frozen=True, slots=True)
class _Trigger:
    factor_id: str
    stems: frozenset[str]
    weight: float  # sum of idf over its stems
    has_negator: bool

    __reduce__ = reduce_by_fields


@dataclass(slots=True)
class _Evidence:
    factor_id: str
    score: float
    clause: int
    start: int
    end: int
    why: str = ""
    plain: bool = False  # stated as a fact, neither negated nor said to be fine
    denied: bool = False  # a risk stated as absent ("no turf wars"): not reported, and not to be guessed


class _Reading(NamedTuple):
    """A text as the matcher reads it, before any evidence (`Matcher._read`)."""

    cleaned: str
    truncated: bool
    parts: list[Clause]
    sentence_of: list[int]
    found: list[list[tuple[Term, int, int]]]
    spans: list[dict[str, list[tuple[int, int, int]]]]
    dismissed: set[int]


# A cue as the matcher looks it up: its place in the files, the cue, the concepts it needs, those that cancel it
_IndexedCue = tuple[int, Cue, frozenset[str], frozenset[str]]


class Matcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lexicon: Lexicon = build_lexicon(kb)
        self._known_words = set(self.lexicon.vocabulary)
        # Typo corrections keep the first letter and nearly the length: only those words are compared.
        self._vocabulary_by_shape: dict[tuple[str, int], list[str]] = defaultdict(list)
        for known in self.lexicon.vocabulary:
            self._vocabulary_by_shape[(known[0], len(known))].append(known)
        self._corrections: dict[str, str | None] = {}
        self._words: dict[str, Any] = {}  # per word, what the term index found for it (see TermIndex.find)
        # Cues by window and by their first concept, with their place in the files (the order they are
        # tried in): a clause only tries the cues it could satisfy.
        self._cues_by_concept: dict[str, dict[str, list[_IndexedCue]]] = {
            "clause": defaultdict(list), "sentence": defaultdict(list),
        }
        for order, cue in enumerate(self.lexicon.cues):
            entry = (order, cue, frozenset(cue.concepts), frozenset(cue.none))
            self._cues_by_concept[cue.window][cue.concepts[0]].append(entry)
        self._build_triggers()
        self.classifier = FactorClassifier.load()

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the knowledge base: it is attached again when loaded from the cache."""
        state = dict(self.__dict__)
        state["kb"] = None
        state["_corrections"] = {}
        state["_words"] = {}
        return state

    def with_classifier(self, classifier: FactorClassifier | None) -> Matcher:
        """This matcher with another classifier, or none (the lexicon alone), sharing everything else."""
        other = copy.copy(self)  # copied as for the disk cache: without the knowledge base, so put it back
        other.kb = self.kb
        other.classifier = classifier
        return other

    def _seen_words(self) -> dict[str, Any]:
        """What the term index remembers per word; emptied when it grows past what messages need."""
        if len(self._words) > MAX_REMEMBERED_WORDS:
            self._words.clear()
        return self._words

    # -- index building -------------------------------------------------------------------------------

    def _build_triggers(self) -> None:
        phrases: list[tuple[str, str]] = [
            (factor.id, phrase) for factor in self.kb.factors.values() for phrase in factor.triggers
        ]
        tokenised = [(fid, [t for t in tokenize(p)]) for fid, p in phrases]
        document_frequency: dict[str, int] = defaultdict(int)
        for _, tokens in tokenised:
            for s in {t.stem for t in tokens if t.text not in STOPWORDS and not t.negator}:
                document_frequency[s] += 1
        total = max(len(tokenised), 1)
        self._idf = {s: math.log(1 + total / df) for s, df in document_frequency.items()}
        self._triggers: list[_Trigger] = []
        self._by_stem: dict[str, list[int]] = defaultdict(list)
        for fid, tokens in tokenised:
            stems = frozenset(t.stem for t in tokens if t.text not in STOPWORDS and not t.negator)
            if len(stems) < 2:
                continue
            index = len(self._triggers)
            self._triggers.append(_Trigger(fid, stems, sum(self._idf[s] for s in stems), any(t.negator for t in tokens)))
            for s in stems:
                self._by_stem[s].append(index)

    # -- matching -------------------------------------------------------------------------------------

    def match(self, text: str, sectors: Iterable[str] = ()) -> MatchResult:
        cleaned, parts, evidence, truncated = self._collect(text)
        return self._rank(cleaned, parts, evidence, set(sectors), truncated)

    def explain(self, text: str) -> list[tuple[str, float, str, str]]:
        """Every piece of evidence, strongest first: (factor id, score, why, the words it rests on)."""
        cleaned, _, evidence, _ = self._collect(text)
        rows = [(ev.factor_id, round(ev.score, 3), ev.why, cleaned[ev.start:ev.end]) for ev in evidence]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def _read(self, text: str) -> _Reading:
        """The text cleaned and cut to MAX_CHARS, its clauses with typos corrected, each clause's sentence,
        lexicon terms and concept spans, and the clauses that voice a fear the text says did not come true."""
        cleaned = clean(text)
        truncated = len(cleaned) > MAX_CHARS
        cleaned = cleaned[:MAX_CHARS]
        parts = [self._correct_typos(c, cleaned) for c in clauses(cleaned)]
        sentence_of = _sentence_ids(cleaned, parts)
        seen = self._seen_words()
        found = [self.lexicon.terms.find(c.tokens, seen) for c in parts]
        spans = [_concept_spans(i, c, found[i]) for i, c in enumerate(parts)]
        feared = [i for i, clause_spans in enumerate(spans) if PAST_WORRY in clause_spans]
        dismissed = dismissed_worries(cleaned, parts, feared, sentence_of) if feared else set()
        return _Reading(cleaned, truncated, parts, sentence_of, found, spans, dismissed)

    def _collect(self, text: str) -> tuple[str, list[Clause], list[_Evidence], bool]:
        cleaned, truncated, parts, sentence_of, found_per_clause, spans_per_clause, dismissed = self._read(text)
        evidence: list[_Evidence] = []
        for index, clause in enumerate(parts):
            evidence.extend(self._cue_evidence(spans_per_clause[index], parts, found_per_clause, window="clause"))
            evidence.extend(self._trigger_evidence(index, parts, found_per_clause[index], spans_per_clause[index]))
        sentences = _clauses_by_sentence(sentence_of)
        for members in sentences:
            merged = _merged([spans_per_clause[i] for i in members])
            evidence.extend(self._cue_evidence(merged, parts, found_per_clause, "sentence"))
        settled = _settled_by_next_clause(cleaned, parts, found_per_clause, sentence_of)
        if settled:
            evidence = self._settle(evidence, settled)
        if dismissed:  # what was feared, or so at first, did not come true or last: neither risk nor strength
            evidence = [ev for ev in evidence if ev.denied or not _touches(ev, parts, dismissed)]
        asked = _yes_no_questions(cleaned, parts, sentences)
        if asked:  # "Has the county confirmed the funding?" says nothing is in place
            evidence = [ev for ev in evidence
                        if not (ev.clause in asked and self.kb.factors[ev.factor_id].kind is FactorKind.success)]
        denied = {ev.factor_id for ev in evidence if ev.denied}
        if denied:
            evidence = [ev for ev in evidence if not ev.denied]
        if self.classifier is not None and parts:
            per_clause, features = _features_by_sentence(parts, sentences, dismissed)
            evidence.extend(self._classifier_evidence(
                parts, sentences, found_per_clause, evidence, settled | asked, denied, per_clause, features
            ))
            evidence = self._without_topics_said_fine(evidence, features)
        return cleaned, parts, evidence, truncated

    def sentence_features(self, text: str) -> list[set[str]]:
        """What the classifier reads, per sentence: the words after typo correction."""
        reading = self._read(text)
        return _features_by_sentence(reading.parts, _clauses_by_sentence(reading.sentence_of), reading.dismissed)[1]

    def _classifier_evidence(
        self,
        parts: list[Clause],
        sentences: list[list[int]],
        found_per_clause: list[list[tuple[Term, int, int]]],
        evidence: list[_Evidence],
        unsure: set[int],
        denied: set[str],
        per_clause: list[set[str]],
        features: list[set[str]],
    ) -> list[_Evidence]:
        """Factors the lexicon missed that the classifier is sure of. Not where the lexicon already found
        the factor, nor a risk it found stated as absent ("no turf wars this time") or whose
        complementary strength it found ("funding is secured" is not a funding risk), nor in a sentence
        that is a yes/no question or is said to be settled, nor when the clause it rests on is a wish
        ("we need a champion on each side") or a fear the text says did not come true."""
        assert self.classifier is not None
        found: dict[str, float] = {}
        for ev in evidence:
            found[ev.factor_id] = max(found.get(ev.factor_id, 0.0), ev.score)
        out: list[_Evidence] = []
        for hit in self.classifier.confident(features, min(CLASSIFIER_MIN, CLASSIFIER_STRENGTH_MIN)):
            factor = self.kb.factors.get(hit.factor_id)
            if factor is None or found.get(factor.id, 0.0) >= RISK_MIN:
                continue
            threshold = CLASSIFIER_MIN if factor.kind is FactorKind.negative else CLASSIFIER_STRENGTH_MIN
            if hit.probability < threshold:
                continue
            members = sentences[hit.sentence]
            if factor.kind is FactorKind.negative and (
                factor.id in denied or found.get(factor.complements, 0.0) >= STRENGTH_MIN
            ):
                continue
            if unsure.intersection(members):
                continue
            clause = max(members, key=lambda i: self.classifier.logit(per_clause[i], factor.id))  # the evidence
            if any(term.label == HYPOTHETICAL for term, _, _ in found_per_clause[clause]):
                continue
            if not per_clause[clause]:  # a dismissed fear: not read at all
                continue
            if factor.kind is FactorKind.success and any(t.text in UNREALISED for t in parts[clause].tokens):
                continue
            score = CLASSIFIER_BASE + CLASSIFIER_SPAN * (hit.probability - threshold) / (1 - threshold)
            out.append(_Evidence(factor.id, score, clause, parts[clause].start, parts[clause].end,
                                 why=f"classifier p={hit.probability:.2f}", plain=True))
        return out

    def _without_topics_said_fine(self, evidence: list[_Evidence], features: list[set[str]]) -> list[_Evidence]:
        """Risks whose topic the message, read whole, calls fine rather than a problem ("we haven't had to
        chase a single invoice"): the lexicon or the classifier found the topic, the fine model reads what
        the message says of it."""
        fine = self.classifier.fine if self.classifier is not None else None
        if fine is None:
            return evidence
        whole = set().union(*features)
        risks = {ev.factor_id for ev in evidence if self.kb.factors[ev.factor_id].kind is FactorKind.negative}
        said_fine = {f: p for f in risks if (p := fine.probability(whole, f)) >= FINE_VETO}
        if not said_fine:
            return evidence
        kept = [ev for ev in evidence if ev.factor_id not in said_fine]
        for factor_id, probability in said_fine.items():  # one row each, at no score, for `explain`
            top = max((ev for ev in evidence if ev.factor_id == factor_id), key=lambda ev: ev.score)
            kept.append(_Evidence(factor_id, 0.0, top.clause, top.start, top.end,
                                  why=f"dropped: topic said fine, p={probability:.2f}", denied=True))
        return kept

    def _settle(self, evidence: list[_Evidence], settled: set[int]) -> list[_Evidence]:
        """A risk stated in a clause that the next one calls fine ("..., and that is fine", "..., which
        was sorted in a week") is not reported: it was a problem, or is one nobody minds."""
        return [ev for ev in evidence
                if not (ev.plain and ev.clause in settled and self.kb.factors[ev.factor_id].kind is FactorKind.negative)]

    def _correct_typos(self, clause: Clause, text: str) -> Clause:
        """Longer words that are neither the knowledge base's nor English are replaced by a close known word.

        A capitalised word inside a sentence is taken for a name ("Wellcome", "Medtronic") and left alone."""
        fixed: list[Token] = []
        changed = False
        for token in clause.tokens:
            if (len(token.text) >= 7 and token.text not in self._known_words and token.text.isalpha()
                    and not _is_name(text, token.start)):
                word = self._correction(token.text)
                if word is not None:
                    fixed.append(Token(word, stem(word), token.start, token.end, token.negator, token.after_comma))
                    changed = True
                    continue
            fixed.append(token)
        return Clause(clause.start, clause.end, tuple(fixed)) if changed else clause

    def _correction(self, word: str) -> str | None:
        """A known word with the same first letter and nearly the same length ("comunication"), if any.

        So "education" never becomes "reduction". A real word is never rewritten, however close it is to
        one of ours ("stalling" is not "stealing", "maternal" not "material"); nor is a regular inflection
        of one ("redeploying"). Answers are remembered: the same words recur.
        """
        if word in self._corrections:
            return self._corrections[word]
        answer = None
        nearby = [w for size in (len(word) - 1, len(word), len(word) + 1) for w in self._vocabulary_by_shape.get((word[0], size), ())]
        for candidate, _, _ in process.extract(word, nearby, scorer=fuzz.ratio, score_cutoff=85, limit=3):
            if not word.startswith(candidate):
                answer = candidate
                break
        if answer is not None and is_english(word):  # asked last: most words have no close candidate,
            answer = None  # so a short message often needs no word list read at all
        if len(self._corrections) > MAX_REMEMBERED_WORDS:
            self._corrections.clear()
        self._corrections[word] = answer
        return answer

    def _cue_evidence(
        self,
        spans: dict[str, list[tuple[int, int, int]]],
        parts: list[Clause],
        found: list[list[tuple[Term, int, int]]],
        window: str,
    ) -> list[_Evidence]:
        """The cues whose concepts all occur in a clause or a sentence (`spans`: concept -> occurrences)."""
        out: list[_Evidence] = []
        index = self._cues_by_concept[window]
        present = spans.keys()
        candidates = {
            order: cue
            for concept in present & index.keys()  # the concepts here that some cue starts with
            for order, cue, needed, cancelled in index[concept]
            if needed <= present and cancelled.isdisjoint(present)
        }
        for order in sorted(candidates):
            cue = candidates[order]
            chosen = self._choose_spans(cue, spans, parts, found)
            if chosen is None:  # one word cannot stand for two concepts at once
                continue
            polarity = self._polarity(chosen, parts, found, spans)
            if polarity == "hypothetical":
                continue
            if cue.requires_negation:  # "nobody thinks it is doable": the negation is the signal
                if polarity != "negated":
                    continue
                polarity = "plain"
            for ev in self._apply_polarity(cue.factor_id, cue.weight, polarity, chosen, parts):
                ev.why = f"cue {'+'.join(cue.concepts)} ({polarity})"
                out.append(ev)
        return out

    def _choose_spans(
        self,
        cue: Cue,
        spans: dict[str, list[tuple[int, int, int]]],
        parts: list[Clause],
        found: list[list[tuple[Term, int, int]]],
    ) -> list[tuple[int, int, int]] | None:
        """One occurrence per concept, none overlapping another.

        Prefer occurrences stated plainly (or, for a cue that needs a negation, negated ones), then the
        longest phrase.
        """
        chosen: list[tuple[int, int, int]] = []
        for concept in cue.concepts:
            options = sorted(
                spans[concept],
                key=lambda o: (self._negated(o, parts, found) != cue.requires_negation, -(o[2] - o[1]), o[0], o[1]),
            )
            pick = next((o for o in options if not _overlapping([*chosen, o])), None)
            if pick is None:
                return None
            chosen.append(pick)
        return chosen

    def _present(self, concept: str, spans: dict[str, list[tuple[int, int, int]]], parts: list[Clause]) -> bool:
        """The concept occurs other than negated: "nobody picked it up" is not "picked it up".

        For `trigger_none`; a cue's `none` counts any occurrence, as its own negation may be the signal
        ("nobody was nervous about going first").
        """
        return any(not self._negated(o, parts, []) for o in spans.get(concept, ()))

    def _wished(
        self, span: tuple[int, int, int], wishes: list[tuple[int, int, int]], parts: list[Clause]
    ) -> bool:
        """Whether a wish or a question governs this occurrence: it follows closely in the wish's scope.

        Only what a wish governs is not a fact: in "we want to fix the data sharing, their lawyers have
        blocked it" the blocking is stated, so a hit is hypothetical only when all its words are wished.
        """
        clause, start, end = span
        tokens = parts[clause].tokens
        for w_clause, w_start, w_end in wishes:
            if w_clause != clause or (start <= w_start and end >= w_end):
                continue  # a phrase that holds the wish's words means what it says ("want to be seen as")
            if start < w_end and end > w_start:
                return True  # shares words with the wish ("we ask" in "we ask to adapt")
            if end == w_start and end - start == 1 and tokens[start].text in PRONOUNS:
                return True  # who wishes: "we" in "we want to avoid overloading staff"
            if not 0 <= start - w_end < HYPOTHETICAL_REACH:
                continue
            if not any(
                tokens[i].after_comma
                or (tokens[i].text in SCOPE_JOINS and i + 1 < len(tokens) and tokens[i + 1].text in NEW_SUBJECTS)
                for i in range(w_end, start + 1)
            ):
                return True
        return False

    def _negated(
        self,
        span: tuple[int, int, int],
        parts: list[Clause],
        found: list[list[tuple[Term, int, int]]],
        own: frozenset[tuple[int, int]] = frozenset(),
    ) -> bool:
        """A "not" governs the next few words; "nobody", "never" or "neither" up to eight.

        Negation stops at a comma, and a "no" that belongs to the cue's own words ("no one has thought"
        in "no one has thought about year four") does not negate the cue's other words.
        """
        clause, start, _ = span
        tokens = parts[clause].tokens
        for i in range(max(0, start - WIDE_NEGATION_REACH), start):
            if (clause, i) in own:
                continue
            if tokens[i].negator and not any(tokens[j].after_comma for j in range(i + 1, start + 1)):
                wide = negation_base(tokens[i].text) in WIDE_NEGATORS or (  # nobody's, noone'll, no one's
                    tokens[i].text == "no" and i + 1 < len(tokens)
                    and negation_base(tokens[i + 1].text) in ("one", "body")
                )
                if start - i <= NEGATION_REACH or (wide and not _new_statement(tokens, i + 1, start)):
                    return True
        return False

    def _polarity(
        self,
        chosen: list[tuple[int, int, int]],
        parts: list[Clause],
        found: list[list[tuple[Term, int, int]]],
        spans: dict[str, list[tuple[int, int, int]]],
    ) -> str:
        hypothetical = spans.get(HYPOTHETICAL)
        if hypothetical and all(self._wished(span, hypothetical, parts) for span in chosen):
            return "hypothetical"
        own = frozenset((c, i) for c, s, e in chosen for i in range(s, e))
        if any(self._negated(span, parts, found, own) for span in chosen):
            return "negated"
        if any(_passed_over(span, parts) for span in chosen):
            return "passed over"
        used = {(c, i) for c, s, e in chosen for i in range(s, e)}
        for p_clause, p_start, p_end in spans.get(POSITIVE, []):
            if any((p_clause, i) in used for i in range(p_start, p_end)):
                continue
            for clause, start, end in chosen:
                if clause == p_clause and (p_start - end < POSITIVE_REACH and start - p_end < POSITIVE_REACH):
                    lo, hi = min(end, p_end), max(start, p_start)
                    tokens = parts[clause].tokens
                    if not any(tokens[i].after_comma for i in range(lo, min(hi + 1, len(tokens)))):
                        return "positive"
        return "plain"

    def _apply_polarity(
        self, factor_id: str, weight: float, polarity: str, chosen: list[tuple[int, int, int]], parts: list[Clause]
    ) -> list[_Evidence]:
        factor = self.kb.factors[factor_id]
        clause = chosen[0][0]
        start = min(parts[c].tokens[s].start for c, s, _ in chosen)
        end = max(parts[c].tokens[e - 1].end for c, _, e in chosen)
        complement = self.kb.factors.get(factor.complements)
        if polarity == "passed over" and factor.kind is FactorKind.success:
            polarity = "plain"  # "we co-designed it rather than consulting at the end": the strength stands
        if polarity == "plain":
            return [_Evidence(factor_id, weight, clause, start, end, plain=True)]
        if factor.kind is FactorKind.negative:
            if polarity == "positive" and complement is not None and complement.kind is FactorKind.success:
                return [_Evidence(complement.id, weight * FLIP_FACTOR, clause, start, end)]
            if polarity in ("negated", "passed over"):
                return [_Evidence(factor_id, 0.0, clause, start, end, denied=True)]
            return []
        if polarity == "negated" and complement is not None and complement.kind is FactorKind.negative:
            return [_Evidence(complement.id, weight * FLIP_FACTOR, clause, start, end)]
        if polarity == "positive":
            return [_Evidence(factor_id, weight, clause, start, end)]
        return []

    def _trigger_evidence(
        self,
        index: int,
        parts: list[Clause],
        found: list[tuple[Term, int, int]],
        spans: dict[str, list[tuple[int, int, int]]],
    ) -> list[_Evidence]:
        """Trigger phrases the clause paraphrases, unless a concept the factor's `trigger_none` names is there."""
        clause = parts[index]
        content = [(i, t) for i, t in enumerate(clause.tokens) if t.text not in STOPWORDS and not t.negator]
        stems = {t.stem for _, t in content}
        # how many of each trigger's words the clause has: most triggers share one word and stop here
        shared_counts = Counter(chain.from_iterable(self._by_stem.get(s, ()) for s in stems))
        best: dict[str, tuple[float, int, int, int]] = {}
        for trigger_index, count in shared_counts.items():
            trigger = self._triggers[trigger_index]
            if count < TRIGGER_MIN_SHARED and count < len(trigger.stems):
                continue
            shared = trigger.stems & stems
            coverage = sum(self._idf[s] for s in shared) / trigger.weight
            if coverage < TRIGGER_MIN_COVERAGE:
                continue
            score = TRIGGER_BASE + TRIGGER_SPAN * coverage
            positions = [i for i, t in content if t.stem in shared]
            first, last = min(positions), max(positions)
            if last - first > 3 * len(trigger.stems) + 4:  # scattered words are not a paraphrase
                continue
            if best.get(trigger.factor_id, (0.0,))[0] < score:
                best[trigger.factor_id] = (score, first, last, trigger_index)
        out: list[_Evidence] = []
        single = [found]
        for factor_id, (score, first, last, trigger_index) in best.items():
            rules = self.lexicon.trigger_none.get(factor_id)
            if rules and any(
                any(self._present(n, spans, parts) for n in none) and (not when or any(w in spans for w in when))
                for none, when in rules
            ):
                continue
            span = (0, first, last + 1)
            polarity = self._polarity([span], [clause], single, _marker_spans(found))
            if polarity == "hypothetical":
                continue
            text_has_negator = any(t.negator for t in clause.tokens[max(0, first - NEGATION_REACH) : last + 1])
            if self._triggers[trigger_index].has_negator:
                if not text_has_negator:  # "everyone agrees" is not "no one agrees"
                    continue
                if polarity == "negated":
                    polarity = "plain"
            for ev in self._apply_polarity(factor_id, score, polarity, [span], [clause]):
                ev.clause = index
                ev.why = f"trigger {sorted(self._triggers[trigger_index].stems)} ({polarity})"
                out.append(ev)
        return out

    def _rank(
        self, text: str, parts: list[Clause], evidence: list[_Evidence], sectors: set[str], truncated: bool
    ) -> MatchResult:
        by_factor: dict[str, list[_Evidence]] = defaultdict(list)
        for ev in evidence:
            by_factor[ev.factor_id].append(ev)
        hits: list[FactorHit] = []
        for factor_id, items in by_factor.items():
            items.sort(key=lambda e: -e.score)
            top = items[0]
            other_clauses = {e.clause for e in items[1:] if e.clause != top.clause}
            score = top.score + 0.04 * min(len(other_clauses), 2)
            factor = self.kb.factors[factor_id]
            if sectors and factor.sectors:
                score += 0.02 if sectors & {s.value for s in factor.sectors} else -0.04
            score = max(0.0, min(score, 1.0))
            start, end = _evidence_span(text, parts[top.clause], top.start, top.end)
            hits.append(FactorHit(id=factor_id, kind=factor.kind, score=round(score, 3),
                                  evidence=text[start:end], start=start, end=end))
        hits.sort(key=lambda h: (-h.score, h.id))
        return MatchResult(
            risks=[h for h in hits if h.kind is FactorKind.negative and h.score >= RISK_MIN][:MAX_RISKS],
            strengths=[h for h in hits if h.kind is FactorKind.success and h.score >= STRENGTH_MIN][:MAX_STRENGTHS],
            truncated=truncated,
        )


DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})


def _new_statement(tokens: tuple[Token, ...], start: int, end: int) -> bool:
    """A join that starts a new statement lies between: "nobody answers our emails and the funding ends
    in March" says nothing of the funding, so a wide negation stops there."""
    return any(
        tokens[i].text in SCOPE_JOINS and i + 1 < end
        and (tokens[i + 1].text in NEW_SUBJECTS or tokens[i + 1].text in DETERMINERS)
        for i in range(start, end)
    )


ALTERNATIVES = {"of": "instead", "than": "rather"}  # "instead of", "rather than": what follows was not done


def _passed_over(span: tuple[int, int, int], parts: list[Clause]) -> bool:
    """What follows "instead of" or "rather than" closely was not done: "a direct award instead of a full
    tender" is no tender, so a risk there is dropped. Not a negation: "paid for their time rather than
    consulted" says more than consulted, not that nobody was, so it neither triggers a cue that needs a
    negation nor touches a strength."""
    clause, start, _ = span
    tokens = parts[clause].tokens
    for i in range(max(1, start - NEGATION_REACH), start):
        if ALTERNATIVES.get(tokens[i].text) == tokens[i - 1].text:
            return not any(tokens[j].after_comma for j in range(i + 1, start + 1))
    return False


def _features_by_sentence(
    parts: list[Clause], sentences: list[list[int]], dismissed: set[int]
) -> tuple[list[set[str]], list[set[str]]]:
    """What the classifier reads: each clause's features, and each sentence's (its clauses' together).
    A fear the text says did not come true (`dismissal.py`) is not read at all."""
    per_clause = [set() if i in dismissed else clause_features(c) for i, c in enumerate(parts)]
    return per_clause, [set().union(*(per_clause[i] for i in members)) for members in sentences]


def _overlapping(spans: list[tuple[int, int, int]]) -> bool:
    ordered = sorted(spans)
    return any(a[0] == b[0] and b[1] < a[2] for a, b in zip(ordered, ordered[1:]))


def _is_number_6_plus(word: str) -> bool:
    """Counts of partners, sites or people (6 to 999), not years or percentages."""
    if word.isdecimal():  # not isdigit: "፫" and "²" are digits that int() cannot read
        return 6 <= int(word) < 1000
    return word in NUMBER_WORDS


REFERRING = frozenset({"that", "that's", "thats", "which", "it", "it's", "its", "this", "this's", "all"})
SETTLING_REACH = 4  # the "fine" word must come within this many words of the clause's start


def _settled_by_next_clause(
    text: str, parts: list[Clause], found: list[list[tuple[Term, int, int]]], sentence_of: list[int]
) -> set[int]:
    """Clauses whose next clause, in the same sentence, opens by calling them fine: "..., and that is
    fine", "... but that's behind us", "..., which was sorted in a week" (not "..., and that is not fine")."""
    settled: set[int] = set()
    for i in range(len(parts) - 1):
        following = parts[i + 1].tokens
        if sentence_of[i] != sentence_of[i + 1] or not following:
            continue
        joined_by_which = "which" in text[parts[i].end:parts[i + 1].start].lower().split()
        if not (joined_by_which or following[0].text in REFERRING):
            continue
        for term, start, _ in found[i + 1]:
            if term.label == POSITIVE and start < SETTLING_REACH and not any(t.negator for t in following[:start]):
                settled.add(i)
                break
    return settled


def _touches(ev: _Evidence, parts: list[Clause], clauses: set[int]) -> bool:
    """The evidence rests in part on words of these clauses: a cue read across the sentence needs all its
    words to be facts."""
    return any(parts[i].start < ev.end and ev.start < parts[i].end for i in clauses)


AUXILIARIES = frozenset({
    "is", "are", "was", "were", "has", "have", "had", "do", "does", "did", "will", "would", "can", "could",
    "should", "shall", "may", "might", "isn't", "aren't", "hasn't", "haven't", "doesn't", "didn't", "won't",
})


def _yes_no_questions(text: str, parts: list[Clause], sentences: list[list[int]]) -> set[int]:
    """Clauses of sentences that ask whether something is so ("Is the premier still keen on us?")."""
    asked: set[int] = set()
    for members in sentences:
        first, last = parts[members[0]], parts[members[-1]]
        after = text[last.end:last.end + 3]
        if first.tokens and first.tokens[0].text in AUXILIARIES and "?" in after:
            asked.update(members)
    return asked


def _is_name(text: str, start: int) -> bool:
    """A capitalised word that does not open a sentence."""
    if not text[start].isupper():
        return False
    i = start - 1
    while i >= 0 and text[i] in " \t\"'(":  # look back past spaces and openers, not copy what came before
        i -= 1
    return i >= 0 and text[i] not in ".!?\n:;-"


def _concept_spans(index: int, clause: Clause, found: list[tuple[Term, int, int]]) -> dict[str, list[tuple[int, int, int]]]:
    """Where each concept occurs in one clause: concept -> (clause index, first token, last token + 1)."""
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for term, start, end in found:
        spans[term.label].append((index, start, end))
    for i, token in enumerate(clause.tokens):
        text = token.text
        if (text[0].isdecimal() or text in NUMBER_WORDS) and _is_number_6_plus(text):
            spans[NUMBER_6_PLUS].append((index, i, i + 1))
    return _without_cancelled_positives(dict(spans))


def _without_cancelled_positives(spans: dict[str, list[tuple[int, int, int]]]) -> dict[str, list[tuple[int, int, int]]]:
    """A positive-state word inside a phrase that says nothing is fine ("signed" in "signed up") is dropped."""
    cancelling = spans.pop(NOT_POSITIVE, None)
    if cancelling and POSITIVE in spans:
        kept = [
            p for p in spans[POSITIVE]
            if not any(c[0] == p[0] and c[1] < p[2] and p[1] < c[2] for c in cancelling)
        ]
        if kept:
            spans[POSITIVE] = kept
        else:
            del spans[POSITIVE]
    return spans


def _merged(members: list[dict[str, list[tuple[int, int, int]]]]) -> dict[str, list[tuple[int, int, int]]]:
    """The concept occurrences of a whole sentence, from those of its clauses."""
    if len(members) == 1:
        return members[0]
    merged: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for spans in members:
        for concept, occurrences in spans.items():
            merged[concept].extend(occurrences)
    return dict(merged)


def _marker_spans(found: list[tuple[Term, int, int]]) -> dict[str, list[tuple[int, int, int]]]:
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for term, start, end in found:
        if term.label.startswith("+"):
            spans[term.label].append((0, start, end))
    return _without_cancelled_positives(dict(spans))


def _clauses_by_sentence(sentence_of: list[int]) -> list[list[int]]:
    """The clause indices of each sentence, in order (sentence ids count up from 0 with the clauses)."""
    sentences: list[list[int]] = []
    for index, sentence in enumerate(sentence_of):
        if sentence == len(sentences):
            sentences.append([])
        sentences[sentence].append(index)
    return sentences


def _sentence_ids(text: str, parts: list[Clause]) -> list[int]:
    """Clauses in one sentence share an id: a new sentence starts after . ! ? or a line break."""
    ids: list[int] = []
    current = 0
    previous_end = 0
    for clause in parts:
        gap = text[previous_end:clause.start]
        if ids and any(ch in gap for ch in ".!?\n"):
            current += 1
        ids.append(current)
        previous_end = clause.end
    return ids


def _evidence_span(text: str, clause: Clause, start: int, end: int) -> tuple[int, int]:
    """The clause, or a window of it around the hit when the clause is long."""
    if clause.end - clause.start <= EVIDENCE_CHARS:
        return clause.start, clause.end
    middle = (start + end) // 2
    lo = max(clause.start, middle - EVIDENCE_CHARS // 2)
    hi = min(clause.end, lo + EVIDENCE_CHARS)
    window = lo, hi
    while lo > clause.start and lo < hi and not text[lo - 1].isspace():  # start and end at a word boundary
        lo += 1
    while hi < clause.end and hi > lo and not text[hi].isspace():
        hi -= 1
    return (lo, hi) if lo < hi else window  # a window with no space in it is cut where it falls


_MATCHERS: dict[int, Matcher] = {}


def get_matcher(kb: KnowledgeBase | None = None) -> Matcher:
    """One matcher per knowledge base, built on first use or read from the disk cache."""
    from bot.kb import snapshot

    kb = kb or get_knowledge()
    matcher = _MATCHERS.get(id(kb))
    if matcher is None or matcher.kb is not kb:
        key = snapshot.fingerprint(kb.directories, ["kb", "matching"])
        matcher = snapshot.load("matcher", key)
        if isinstance(matcher, Matcher):
            matcher.kb = kb
        else:
            matcher = Matcher(kb)
            snapshot.save("matcher", key, matcher)
        _MATCHERS[id(kb)] = matcher
        # The matcher's ~100,000 objects live as long as the process. Left to the collector, every full
        # collection walks them all: a pause of over 100 ms in one message out of a hundred. Frozen,
        # they are skipped (and stay shared between forked server workers).
        gc.freeze()
        # A message makes tens of thousands of short-lived tuples and lists, nearly all freed at once;
        # collecting the young generation every 700 of them cost about 8% of the matching time.
        young, *older = gc.get_threshold()
        gc.set_threshold(max(young, GC_YOUNG_THRESHOLD), *older)
    return matcher


def match_text(text: str, sectors: Iterable[str] = (), kb: KnowledgeBase | None = None) -> MatchResult:
    return get_matcher(kb).match(text, sectors)


__all__ = ["MAX_CHARS", "Cue", "Matcher", "TermIndex", "compile_term", "get_matcher", "match_text"]
