"""The in-memory half of the similar-outcome search: a team's outcomes as flat arrays and bitsets.

Each outcome added takes the next position. Per position the index keeps the outcome's id, linked
interview, status, sector flags, factors and word ids; per factor, sector and status a bitset of
positions (Python integers, so AND, OR and counting run in C); per word the positions that use it.
An outcome that changes or goes away leaves a dead position behind until the index is rebuilt.

How alike an outcome is to the partnership being advised on (each part from 0 to 1):

- factors: the flagged factors it logged too, each weighted by BM25's inverse document frequency
  (a factor few outcomes logged says more than one most did), against everything flagged, with the
  factors it logged that were not flagged here counting against it;
- words: the same for the words of the description against its name, partners and lesson, damped
  for long lessons (which share words by chance); words in more than a quarter of outcomes are ignored;
- sectors: the overlap of the partner sectors (Jaccard).

A search visits outcomes grouped by which flagged factors they share (most shared weight first) and
by partner sectors, and stops when no group left could beat the best found, or after `MAX_SCORED`
outcomes: then the last places may go to an outcome a little less alike than the best one left
unscored (with 100,000 outcomes, about one search in ten). Outcomes that share no flagged factor are
found through their distinctive words (those in at most `DISTINCTIVE_SHARE` of outcomes); common words
only add to the score of outcomes found either way.
"""

from __future__ import annotations

import heapq
import math
import re
import string
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.kb.models import PartnershipStatus, Sector
from bot.matching.text import stem

MAX_TERMS_PER_OUTCOME = 300
MAX_QUERY_FACTORS = 8  # the advice report flags at most five risks and three strengths
COMMON_TERM_SHARE = 0.25  # a word in more than this share of outcomes says nothing about likeness
DISTINCTIVE_SHARE = 0.01  # a word in at most this share (or DISTINCTIVE_MIN outcomes) finds outcomes
DISTINCTIVE_MIN = 50
MAX_SCORED = 800  # outcomes scored in full per search at most (the most promising first)
WORDY_MAX = 300  # outcomes with the most distinctive words, visited first within each group
FACTOR_WEIGHT = 0.5  # how much each kind of likeness counts: factors most, then words, then sectors
TEXT_WEIGHT = 0.3
SECTOR_WEIGHT = 0.2
LENGTH_DAMPING = 0.5  # BM25's b

SECTORS = [sector.value for sector in Sector]
SECTOR_BITS = {sector: 1 << n for n, sector in enumerate(SECTORS)}
STATUSES = [status.value for status in PartnershipStatus]
STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}

# Words that carry no meaning about a partnership (English function words and our own filler).
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own same she should so some such than that the their theirs them
then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours one two three get got go went going make made lot lots
really much many thing things way year years month months week weeks day days time partner partnership
partnerships organisation organization
""".split()
)

_WORD = re.compile(r"[^\W\d_]{3,}")
# ASCII punctuation and digits separate words (a plain split is many times faster than a Unicode regex).
_SEPARATORS = str.maketrans({char: " " for char in string.punctuation + string.digits + "‘’“”–—…«»·•"})
_NONZERO = re.compile(rb"[^\x00]")
_BITS_OF_BYTE = [tuple(n for n in range(8) if value >> n & 1) for value in range(256)]


def terms(text: str, limit: int = MAX_TERMS_PER_OUTCOME) -> set[str]:
    """The distinct word stems of `text` that can say two partnerships are alike (the matcher's light
    stemmer, so "funded" meets "funding"); numbers and function words are left out."""
    return folded_terms(unicodedata.normalize("NFKC", text).casefold(), limit)


def folded_terms(folded: str, limit: int = MAX_TERMS_PER_OUTCOME) -> set[str]:
    """`terms` of text that is already normalised and case-folded (as outcomes' search text is)."""
    found = set(map(_STEMS.__getitem__, set(folded.translate(_SEPARATORS).split())))
    found.discard("")
    for joined in [term for term in found if " " in term]:  # a word that held several, e.g. "data/ip"
        found.discard(joined)
        found.update(joined.split())
    return found if len(found) <= limit else set(sorted(found)[:limit])


class _StemCache(dict[str, str]):
    """Word -> its stem ("" for a function word; space-separated stems for a word holding several).
    Looked up for every word of every outcome, so hits stay in C; it is emptied when it grows large."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 200_000:
            self.clear()
        stems = []
        for piece in (word,) if word.isalpha() else _WORD.findall(word):  # e.g. em-dashed or quoted
            if len(piece) >= 3 and piece not in STOPWORDS:
                stemmed = stem(piece)
                if len(stemmed) >= 3 and stemmed not in STOPWORDS:
                    stems.append(stemmed)
        self[word] = found = " ".join(stems)
        return found


_STEMS = _StemCache()


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency: rare factors and words count for more."""
    return math.log(1.0 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def bitset(positions: Iterable[int], size: int) -> int:
    buffer = bytearray((size >> 3) + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def positions_of(bits: int) -> Iterator[int]:
    """The positions set in `bits`, lowest first (found a byte at a time, in C)."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for match in _NONZERO.finditer(data):
        base = match.start() << 3
        for n in _BITS_OF_BYTE[data[match.start()]]:
            yield base + n


@dataclass(frozen=True)
class Query:
    sectors: frozenset[str]
    factors: tuple[str, ...]
    text: str
    exclude_interview: int | None = None  # outcomes logged for this interview are the partnership itself


@dataclass(frozen=True)
class Hit:
    outcome_id: int
    score: float
    factor_similarity: float
    sector_similarity: float
    text_similarity: float


class OutcomeIndex:
    def __init__(self) -> None:
        self.ids = array("q")
        self.interviews = array("q")  # 0 when the outcome is not linked to an interview
        self.sector_masks = bytearray()
        self.statuses = bytearray()
        self.alive = bytearray()
        self.doc_factors: list[tuple[str, ...]] = []
        self.term_starts = array("Q")  # a position's word ids: doc_terms[start : start + lengths[position]]
        self.lengths = array("I")
        self.doc_terms = array("I")
        self.term_ids: dict[str, int] = {}
        self.term_postings: list[array[int]] = []  # per word id, its positions (dead ones included)
        self.position: dict[int, int] = {}  # outcome id -> position of its live entry
        self.by_interview: dict[int, list[int]] = {}
        self.total_length = 0
        self.alive_bits = 0
        self.factor_bits: dict[str, int] = {}
        self.mask_bits = [0] * (1 << len(SECTORS))  # per combination of partner sectors
        self.status_bits = dict.fromkeys(STATUSES, 0)

    @property
    def live(self) -> int:
        return len(self.position)

    @property
    def dead(self) -> int:
        return len(self.ids) - self.live

    # -- changing ----------------------------------------------------------------------------------

    def add(
        self,
        outcome_id: int,
        interview_id: int | None,
        status: str,
        sectors: Iterable[str],
        factors: Iterable[str],
        words: set[str],
        *,
        bulk: bool = False,
    ) -> None:
        """Add (or replace) one outcome. `bulk` leaves the bitsets to `index_bitsets()`, called once after."""
        self.remove(outcome_id)
        position = len(self.ids)
        mask = sum(SECTOR_BITS[s] for s in set(sectors) if s in SECTOR_BITS)
        factor_ids = tuple(dict.fromkeys(factors))
        self.ids.append(outcome_id)
        self.interviews.append(interview_id or 0)
        self.sector_masks.append(mask)
        self.statuses.append(STATUS_CODES.get(status, STATUS_CODES["ongoing"]))
        self.alive.append(1)
        self.doc_factors.append(factor_ids)
        self.term_starts.append(len(self.doc_terms))
        self.lengths.append(len(words))
        self.total_length += len(words)
        self.position[outcome_id] = position
        if interview_id:
            self.by_interview.setdefault(interview_id, []).append(position)
        term_ids, postings = self.term_ids, self.term_postings
        for word in [word for word in words if word not in term_ids]:
            term_ids[word] = len(postings)
            postings.append(array("I"))
        ids = [term_ids[word] for word in words]
        self.doc_terms.extend(ids)
        for term in ids:
            postings[term].append(position)
        if not bulk:
            bit = 1 << position
            self.alive_bits |= bit
            for factor_id in factor_ids:
                self.factor_bits[factor_id] = self.factor_bits.get(factor_id, 0) | bit
            self.mask_bits[mask] |= bit
            self.status_bits[STATUSES[self.statuses[position]]] |= bit

    def remove(self, outcome_id: int) -> None:
        position = self.position.pop(outcome_id, None)
        if position is not None:
            self.alive[position] = 0
            self.alive_bits &= ~(1 << position)
            self.total_length -= self.lengths[position]

    def index_bitsets(self) -> None:
        """Build every bitset from the arrays (after adding in bulk: one pass instead of one per outcome)."""
        size = len(self.ids)
        live = [p for p in range(size) if self.alive[p]]
        self.alive_bits = bitset(live, size)
        by_factor: dict[str, list[int]] = {}
        by_mask: list[list[int]] = [[] for _ in self.mask_bits]
        by_status: dict[str, list[int]] = {status: [] for status in STATUSES}
        for position in live:
            for factor_id in self.doc_factors[position]:
                by_factor.setdefault(factor_id, []).append(position)
            by_mask[self.sector_masks[position]].append(position)
            by_status[STATUSES[self.statuses[position]]].append(position)
        self.factor_bits = {factor_id: bitset(found, size) for factor_id, found in by_factor.items()}
        self.mask_bits = [bitset(found, size) for found in by_mask]
        self.status_bits = {status: bitset(found, size) for status, found in by_status.items()}

    # -- searching ---------------------------------------------------------------------------------

    def search(self, query: Query, limit: int, *, max_scored: int | None = None) -> list[Hit]:
        """The `limit` most alike live outcomes, best first (newer first among equals).

        Exact unless more than `max_scored` outcomes (default `MAX_SCORED`) could still make the top:
        the search then ends with the best of the most promising ones it scored. That only happens
        with many thousands of outcomes, where the last places go to near-ties.
        """
        budget = MAX_SCORED if max_scored is None else max_scored
        documents = self.live
        if documents == 0 or limit < 1:
            return []
        factor_live = {
            f: bits
            for f in dict.fromkeys(query.factors)
            if (bits := self.factor_bits.get(f, 0) & self.alive_bits)
        }
        flagged = list(factor_live)[:MAX_QUERY_FACTORS]
        factor_weight = {f: idf(factor_live[f].bit_count(), documents) for f in flagged}
        factor_total = sum(factor_weight.values())
        mean_factor_weight = factor_total / len(flagged) if flagged else 0.0

        common = COMMON_TERM_SHARE * documents if documents >= 20 else documents
        distinctive = max(DISTINCTIVE_MIN, DISTINCTIVE_SHARE * documents)
        term_weight: dict[int, float] = {}
        for word in terms(query.text):
            term = self.term_ids.get(word)
            if term is not None and (frequency := min(len(self.term_postings[term]), documents)) <= max(
                common, 1
            ):
                term_weight[term] = idf(frequency, documents)
        term_total = sum(term_weight.values())
        found_by_words: dict[int, float] = {}  # position -> weight of the distinctive words it shares
        common_weight = 0.0
        for term, weight in term_weight.items():
            postings = self.term_postings[term]
            if len(postings) <= distinctive:
                for position in postings:
                    found_by_words[position] = found_by_words.get(position, 0.0) + weight
            else:
                common_weight += weight
        common_share = common_weight / term_total if term_total else 0.0
        best_words = max(found_by_words.values(), default=0.0) / term_total if term_total else 0.0

        wanted = sum(SECTOR_BITS.get(s, 0) for s in query.sectors)
        excluded = set(self.by_interview.get(query.exclude_interview or 0, ()))
        average_length = self.total_length / documents
        doc_terms, term_starts, lengths = self.doc_terms, self.term_starts, self.lengths
        query_terms = set(term_weight)

        def sector_similarity(mask: int) -> float:
            either = mask | wanted
            return (mask & wanted).bit_count() / either.bit_count() if either else 0.0

        def parts(position: int) -> tuple[float, float, float]:
            factor_similarity = text_similarity = 0.0
            if factor_total:
                logged = self.doc_factors[position]
                shared = [factor_weight[f] for f in logged if f in factor_weight]
                extra = len(logged) - len(shared)  # logged there, not flagged here
                factor_similarity = sum(shared) / (factor_total + mean_factor_weight * extra)
            if term_total:
                start = term_starts[position]
                matched = query_terms.intersection(doc_terms[start : start + lengths[position]])
                if matched:
                    damping = min(
                        1.0, 1.0 / (1 - LENGTH_DAMPING + LENGTH_DAMPING * lengths[position] / average_length)
                    )
                    text_similarity = sum(term_weight[t] for t in matched) / term_total * damping
            return factor_similarity, sector_similarity(self.sector_masks[position]), text_similarity

        best: list[tuple[float, int, int]] = []  # a min-heap of (score, outcome id, position)
        scored: set[int] = set()

        def kth() -> float:
            return best[0][0] if len(best) == limit else -1.0

        def consider(position: int) -> None:
            if position in scored or not self.alive[position] or position in excluded:
                return
            scored.add(position)
            factor_similarity, sectors_similarity, text_similarity = parts(position)
            score = (
                FACTOR_WEIGHT * factor_similarity
                + TEXT_WEIGHT * text_similarity
                + SECTOR_WEIGHT * sectors_similarity
            )
            entry = (score, self.ids[position], position)
            if len(best) < limit:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)

        def words_of(position: int) -> float:
            return found_by_words.get(position, 0.0) / term_total if term_total else 0.0

        by_words = sorted(found_by_words, key=found_by_words.__getitem__, reverse=True)
        for position in by_words[: limit * 3]:  # a few strong candidates first, so the bar below rises early
            consider(position)

        # Outcomes sharing flagged factors, by which ones they share (most shared weight first) and by
        # partner sectors (closest first); a group is only opened while its best possible score counts.
        union = 0
        for bits in factor_live.values():
            union |= bits
        # The outcomes with the most distinctive words are looked at by themselves; for the rest, what
        # words could add is bounded by the weight of the last of those.
        with_words = bitset(by_words[:WORDY_MAX], len(self.ids))
        words_floor = words_of(by_words[WORDY_MAX]) if len(by_words) > WORDY_MAX else 0.0
        subsets = [
            (sum(factor_weight[f] for n, f in enumerate(flagged) if subset >> n & 1), subset)
            for subset in range(1, 1 << len(flagged))
        ]
        masks = sorted(range(len(self.mask_bits)), key=sector_similarity, reverse=True)
        text_ceiling = min(1.0, best_words + common_share)
        plain_text = min(1.0, words_floor + common_share)  # the most words add outside `with_words`
        for weight, subset in sorted(subsets, reverse=True):
            share = weight / factor_total
            if (
                len(scored) >= budget
                or FACTOR_WEIGHT * share + TEXT_WEIGHT * text_ceiling + SECTOR_WEIGHT <= kth()
            ):
                break
            group = union
            for n, factor_id in enumerate(flagged):
                group = group & factor_live[factor_id] if subset >> n & 1 else group & ~factor_live[factor_id]
            for mask in masks if group else ():
                within = group & self.mask_bits[mask]
                base = FACTOR_WEIGHT * share + SECTOR_WEIGHT * sector_similarity(mask)
                if not within or base + TEXT_WEIGHT * text_ceiling <= kth():
                    continue
                wordy = sorted(
                    positions_of(within & with_words), key=found_by_words.__getitem__, reverse=True
                )
                for position in wordy:
                    if (
                        len(scored) >= budget
                        or base + TEXT_WEIGHT * min(1.0, words_of(position) + common_share) <= kth()
                    ):
                        break
                    consider(position)
                if len(scored) < budget and base + TEXT_WEIGHT * plain_text > kth():
                    for position in positions_of(within & ~with_words):
                        if len(scored) >= budget or base + TEXT_WEIGHT * plain_text <= kth():
                            break
                        consider(position)

        # Outcomes sharing no flagged factor, found by distinctive words, most of them first.
        for position in by_words:
            if (
                len(scored) >= budget
                or TEXT_WEIGHT * min(1.0, words_of(position) + common_share) + SECTOR_WEIGHT <= kth()
            ):
                break
            if not any(f in factor_weight for f in self.doc_factors[position]):
                consider(position)
        return [
            Hit(outcome_id, score, *parts(position))
            for score, outcome_id, position in sorted(best, reverse=True)
            if score > 0
        ]

    def group(
        self, factor_id: str, *, exclude_interview: int | None = None
    ) -> dict[str | None, Counter[str]]:
        """How the live outcomes that logged `factor_id` turned out (statuses counted), overall (key None)
        and per partner sector."""
        bits = self.factor_bits.get(factor_id, 0) & self.alive_bits
        for position in self.by_interview.get(exclude_interview or 0, ()):
            bits &= ~(1 << position)
        groups: dict[str | None, Counter[str]] = {}
        for sector in (None, *SECTORS):
            within = bits
            if sector is not None:
                with_sector = 0
                for mask, mask_bits in enumerate(self.mask_bits):
                    if mask & SECTOR_BITS[sector]:
                        with_sector |= mask_bits
                within &= with_sector
            groups[sector] = Counter(
                {
                    status: n
                    for status, status_bits in self.status_bits.items()
                    if (n := (within & status_bits).bit_count())
                }
            )
        return groups
