"""The in-memory half of the similar-outcome search: a team's outcomes as flat arrays and bitsets.

Each outcome added takes the next position. Per position the index keeps the outcome's id, linked
interview, status, sector flags, factors and number of words; per factor, sector mix and status a
bitset of positions (Python integers, so AND, OR and counting run in C); per word the positions that
use it.
An outcome that changes or goes away leaves a dead position behind until the index is rebuilt.

How alike an outcome is to the partnership being advised on (each part from 0 to 1):

- factors: the flagged factors it logged too, each weighted by BM25's inverse document frequency
  (a factor few outcomes logged says more than one most did), against everything flagged, with the
  factors it logged that were not flagged here counting against it;
- words: the same for the words of the description against its name, partners and lesson, damped
  for long lessons (which share words by chance); a word most outcomes use does not count (see
  `counted_frequency`);
- sectors: the overlap of the partner sectors (Jaccard).

A search visits outcomes grouped by which flagged factors they share (most shared weight first) and
by partner sectors, and stops when no group left could beat the best found, or after `MAX_SCORED`
outcomes: then the last places may go to an outcome a little less alike than the best one left
unscored. Outcomes that share no flagged factor are found through their words.
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
# A word counts while it is in at most a quarter of a small team's outcomes, or `DISTINCTIVE_SHARE` of
# a large team's (never fewer than `DISTINCTIVE_MIN`): a word most outcomes share says nothing.
COMMON_TERM_SHARE = 0.25
DISTINCTIVE_SHARE = 0.01
DISTINCTIVE_MIN = 50
MAX_SCORED = 2000  # outcomes scored in full per search at most (the most promising first)
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


def counted_frequency(documents: int) -> float:
    """How many of `documents` outcomes a word may appear in and still count."""
    common = COMMON_TERM_SHARE * documents if documents >= 20 else documents
    return max(1.0, min(common, max(DISTINCTIVE_MIN, DISTINCTIVE_SHARE * documents)))


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency: rare factors and words count for more."""
    return math.log(1.0 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def bitset(positions: Iterable[int], size: int) -> int:
    buffer = bytearray((size >> 3) + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def positions_of(bits: int) -> Iterator[int]:
    """The positions set in `bits`, highest (most recently added) first, found a byte at a time in C."""
    size = (bits.bit_length() + 7) // 8
    data = bits.to_bytes(size, "big")
    for match in _NONZERO.finditer(data):
        base = (size - 1 - match.start()) << 3
        for n in reversed(_BITS_OF_BYTE[data[match.start()]]):
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
        self.lengths = array("I")  # distinct words per position
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
        self.lengths.append(len(words))
        self.total_length += len(words)
        self.position[outcome_id] = position
        if interview_id:
            self.by_interview.setdefault(interview_id, []).append(position)
        term_ids, postings = self.term_ids, self.term_postings
        for word in [word for word in words if word not in term_ids]:
            term_ids[word] = len(postings)
            postings.append(array("I"))
        for word in words:
            postings[term_ids[word]].append(position)
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
        """The `limit` most alike live outcomes, best first (the one logged or changed last among equals).

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

        # Words: each counted word's weight, summed per outcome that uses it.
        words_by_position: dict[int, float] = {}
        words_total = 0.0
        counted = counted_frequency(documents)
        for word in terms(query.text):
            term = self.term_ids.get(word)
            if term is None:
                continue
            postings = self.term_postings[term]
            frequency = min(len(postings), documents)
            if frequency > counted:
                continue
            weight = idf(frequency, documents)
            words_total += weight
            for position in postings:
                words_by_position[position] = words_by_position.get(position, 0.0) + weight

        wanted = sum(SECTOR_BITS.get(s, 0) for s in query.sectors)
        excluded = set(self.by_interview.get(query.exclude_interview or 0, ()))
        average_length = self.total_length / documents

        def sector_similarity(mask: int) -> float:
            either = mask | wanted
            return (mask & wanted).bit_count() / either.bit_count() if either else 0.0

        def words_of(position: int) -> float:
            """Its words' share before damping: never below its text similarity."""
            return words_by_position.get(position, 0.0) / words_total if words_total else 0.0

        def parts(position: int) -> tuple[float, float, float]:
            factor_similarity = text_similarity = 0.0
            if factor_total:
                logged = self.doc_factors[position]
                shared = [factor_weight[f] for f in logged if f in factor_weight]
                extra = len(logged) - len(shared)  # logged there, not flagged here
                factor_similarity = sum(shared) / (factor_total + mean_factor_weight * extra)
            if position in words_by_position:
                length = self.lengths[position] / average_length
                damping = min(1.0, 1.0 / (1 - LENGTH_DAMPING + LENGTH_DAMPING * length))
                text_similarity = words_of(position) * damping
            return factor_similarity, sector_similarity(self.sector_masks[position]), text_similarity

        # The best so far, as a min-heap of (score, position): among equal scores the outcome logged or
        # changed last wins. `could_enter` says whether a score up to `ceiling` at `position` could still.
        best: list[tuple[float, int]] = []
        scored: set[int] = set()

        def could_enter(ceiling: float, position: int) -> bool:
            return len(best) < limit or (ceiling, position) > best[0]

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
            if len(best) < limit:
                heapq.heappush(best, (score, position))
            elif (score, position) > best[0]:
                heapq.heapreplace(best, (score, position))

        def most_words_first(position: int) -> tuple[float, int]:
            return words_by_position[position], position

        by_words = sorted(words_by_position, key=most_words_first, reverse=True)
        for position in by_words[: limit * 3]:  # a few strong candidates first, so the bar below rises early
            consider(position)

        # Outcomes sharing flagged factors, by which ones they share (most shared weight first) and by
        # partner sectors (closest first); a group is only opened while its best possible score counts.
        # Within a group the outcomes sharing the most words come first, then those sharing none.
        union = 0
        for bits in factor_live.values():
            union |= bits
        wordy_bits = bitset(by_words, len(self.ids))
        best_words = words_of(by_words[0]) if by_words else 0.0
        subsets = [
            (sum(factor_weight[f] for n, f in enumerate(flagged) if subset >> n & 1), subset)
            for subset in range(1, 1 << len(flagged))
        ]
        masks = sorted(range(len(self.mask_bits)), key=sector_similarity, reverse=True)
        last = len(self.ids)
        for weight, subset in sorted(subsets, reverse=True):
            share = weight / factor_total
            ceiling = FACTOR_WEIGHT * share + TEXT_WEIGHT * best_words + SECTOR_WEIGHT
            if len(scored) >= budget or not could_enter(ceiling, last):
                break
            group = union
            for n, factor_id in enumerate(flagged):
                group = group & factor_live[factor_id] if subset >> n & 1 else group & ~factor_live[factor_id]
            for mask in masks if group else ():
                within = group & self.mask_bits[mask]
                base = FACTOR_WEIGHT * share + SECTOR_WEIGHT * sector_similarity(mask)
                if not within or not could_enter(base + TEXT_WEIGHT * best_words, within.bit_length() - 1):
                    continue
                for position in sorted(positions_of(within & wordy_bits), key=most_words_first, reverse=True):
                    if len(scored) >= budget or not could_enter(
                        base + TEXT_WEIGHT * words_of(position), position
                    ):
                        break
                    consider(position)
                for position in positions_of(within & ~wordy_bits):
                    if len(scored) >= budget or not could_enter(base, position):
                        break
                    consider(position)

        # Outcomes sharing no flagged factor, found by their words, most words first.
        for position in by_words:
            if len(scored) >= budget or not could_enter(
                TEXT_WEIGHT * words_of(position) + SECTOR_WEIGHT, position
            ):
                break
            if not any(f in factor_weight for f in self.doc_factors[position]):
                consider(position)
        return [
            Hit(self.ids[position], score, *parts(position))
            for score, position in sorted(best, reverse=True)
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
