"""A team's logged outcomes as a compact in-memory search index, kept in step with the database.

Scoring 100,000 outcomes in SQL takes hundreds of milliseconds (a GROUP BY over every shared factor
row, a scan for every word), so each process keeps, per team, inverted lists of factors and words
over positions in a few flat arrays. It is brought up to date before each search from the outcome
audit trail, which gets a row for every change to an outcome (logged, imported, edited, deleted):

- every search counts the team's audit rows of the last `LOOKBACK` (an indexed range, usually a few
  rows) and, when there are rows it has not applied, reloads just those outcomes;
- every `FULL_CHECK_S` it also compares the team's total audit rows with how many it has applied,
  and rebuilds if a change slipped past the window (a transaction that took longer than `LOOKBACK`
  to commit). Counting before reading is what makes this exact: whatever commits in between is
  either counted and read, or read now and applied again later (reloading is idempotent).

The index never holds names, lessons or who logged an outcome; the few outcomes a search returns are
read from the database, through the same masking as every other read.
"""

from __future__ import annotations

import heapq
import math
import re
import string
import sys
import threading
import time
import unicodedata
import weakref
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, func, literal, select, union_all
from sqlalchemy.engine import Connection

from bot.kb.models import PartnershipStatus, Sector
from bot.matching.text import stem
from bot.storage.db import Database
from bot.storage.tables import OutcomeAuditRow, OutcomeFactorRow, OutcomeRow
from bot.storage.types import utcnow

_OUTCOMES = OutcomeRow.__table__  # type: ignore[attr-defined]
_FACTORS = OutcomeFactorRow.__table__  # type: ignore[attr-defined]
_AUDIT = OutcomeAuditRow.__table__  # type: ignore[attr-defined]

LOOKBACK = timedelta(minutes=10)
STREAM_ROWS = 5000  # rows fetched at a time while building
FULL_CHECK_S = 60.0
TEAMS_PER_DATABASE = 16  # indexes kept per process and database; the least recently used goes first
MAX_TERMS_PER_OUTCOME = 300
MAX_QUERY_FACTORS = 16
COMMON_TERM_SHARE = 0.25  # a word in more than this share of outcomes says nothing about likeness
REBUILD_SHARE = 0.25  # reload this share of outcomes or more at once, or carry this many dead entries: rebuild

SECTOR_BITS = {sector.value: 1 << n for n, sector in enumerate(Sector)}
STATUSES = [status.value for status in PartnershipStatus]
STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}

# Words that carry no meaning about a partnership (English function words and our own filler).
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own same she should so some such than that the their theirs them
then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours one two three get got go went going make made lot lots
really much many thing things way year years month months week weeks day days time partner partnership
partnerships organisation organization
""".split())


_WORD = re.compile(r"[^\W\d_]{3,}")
# ASCII punctuation and digits separate words (a plain split is many times faster than a Unicode regex).
_SEPARATORS = str.maketrans({char: " " for char in string.punctuation + string.digits})


def terms(text: str, limit: int = MAX_TERMS_PER_OUTCOME) -> set[str]:
    """The distinct word stems of `text` that can say two partnerships are alike (the matcher's light
    stemmer, so "funded" meets "funding"); numbers and function words are left out."""
    return folded_terms(unicodedata.normalize("NFKC", text).casefold(), limit)


def folded_terms(folded: str, limit: int = MAX_TERMS_PER_OUTCOME) -> set[str]:
    """`terms` of text that is already normalised and case-folded (as outcomes' search text is)."""
    found: set[str] = set()
    for word in set(folded.translate(_SEPARATORS).split()):
        found.update(_word_terms(word))
    return found if len(found) <= limit else set(sorted(found)[:limit])


@lru_cache(maxsize=100_000)
def _word_terms(word: str) -> tuple[str, ...]:
    """The stems one whitespace-separated word contributes (none for a function word)."""
    found = []
    for piece in (word,) if word.isalpha() else _WORD.findall(word):  # e.g. “quoted” or em-dashed
        if len(piece) >= 3 and piece not in STOPWORDS:
            stemmed = stem(piece)
            if len(stemmed) >= 3 and stemmed not in STOPWORDS:
                found.append(stemmed)
    return tuple(found)


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency: rare factors and words count for more."""
    return math.log(1.0 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


@dataclass(frozen=True)
class Query:
    sectors: frozenset[str]
    factors: tuple[str, ...]
    text: str
    exclude_interview: int | None = None


@dataclass(frozen=True)
class Hit:
    outcome_id: int
    score: float
    factor_similarity: float
    sector_similarity: float
    text_similarity: float


# How much each kind of likeness counts; factors matter most, then words, then sectors.
FACTOR_WEIGHT = 0.5
TEXT_WEIGHT = 0.3
SECTOR_WEIGHT = 0.2


class TeamIndex:
    """One team's live outcomes. Use under `lock`: `refresh(db)`, then `search` or `group`."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.lock = threading.Lock()
        self.builds = 0  # how many times it was (re)built, for tests and the benchmark
        self._reset()

    def _reset(self) -> None:
        self.ids = array("q")
        self.interviews = array("q")  # 0 when the outcome is not linked to an interview
        self.sectors = bytearray()
        self.statuses = bytearray()
        self.alive = bytearray()
        self.factor_counts = bytearray()
        self.lengths = array("I")  # distinct words per outcome
        self.factor_postings: dict[str, array[int]] = {}  # positions, dead ones included until a rebuild
        self.factor_live: Counter[str] = Counter()  # live outcomes per factor
        self.doc_factors: list[tuple[str, ...]] = []
        self.term_postings: dict[str, array[int]] = {}
        self.position: dict[int, int] = {}  # outcome id -> position of its live entry
        self.total_length = 0
        self.audit_applied = 0  # audit rows reflected in the index
        self.recent: dict[int, datetime] = {}  # audit id -> when, for rows inside the lookback window
        self.full_check_at = 0.0
        self.ready = False

    @property
    def live(self) -> int:
        return len(self.position)

    # -- keeping in step ---------------------------------------------------------------------------

    def refresh(self, db: Database) -> None:
        now = utcnow()
        window_start = now - LOOKBACK
        with db.engine.connect() as connection:
            if not self.ready:
                self._build(connection, window_start)
                return
            full_check = time.monotonic() - self.full_check_at >= FULL_CHECK_S
            total = self._audit_total(connection) if full_check else None
            self._forget_before(window_start)
            if self._recent_count(connection, window_start) != len(self.recent):
                self._apply_recent(connection, window_start)
            if total is not None:
                self.full_check_at = time.monotonic()
                if total > self.audit_applied:  # a change committed outside the window: start over
                    self._build(connection, window_start)

    def _build(self, connection: Connection, window_start: datetime) -> None:
        self._reset()
        total, recent = self._audit_snapshot(connection, window_start)  # before the data: see module doc
        factors = self._factors_by_outcome(connection, None)
        rows = connection.execute(
            select(
                _OUTCOMES.c.id, _OUTCOMES.c.interview_id, _OUTCOMES.c.status, _OUTCOMES.c.search_text,
                *(_OUTCOMES.c[sector] for sector in SECTOR_BITS),
            )
            .where(_OUTCOMES.c.team_id == self.team_id, _OUTCOMES.c.deleted_at.is_(None))
            .order_by(_OUTCOMES.c.id)
            .execution_options(yield_per=STREAM_ROWS)
        )
        for row in rows:
            self._add(row, factors.get(row[0], ()))
        self.audit_applied = total
        self.recent = recent
        self.full_check_at = time.monotonic()
        self.builds += 1
        self.ready = True

    def _audit_snapshot(self, connection: Connection, window_start: datetime) -> tuple[int, dict[int, datetime]]:
        """The team's audit row count and its recent rows, from one statement (so one snapshot)."""
        team = _AUDIT.c.team_id == self.team_id
        total = select(literal(-1).label("id"), literal(None, _AUDIT.c.at.type).label("at"),
                       func.count().label("n")).where(team)
        recent = select(_AUDIT.c.id, _AUDIT.c.at, literal(0).label("n")).where(team, _AUDIT.c.at >= window_start)
        count, rows = 0, {}
        for audit_id, at, n in connection.execute(union_all(total, recent)):
            if audit_id == -1:
                count = int(n)
            else:
                rows[int(audit_id)] = at
        return count, rows

    def _audit_total(self, connection: Connection) -> int:
        return int(connection.scalar(select(func.count()).where(_AUDIT.c.team_id == self.team_id)) or 0)

    def _recent_count(self, connection: Connection, window_start: datetime) -> int:
        return int(connection.scalar(
            select(func.count()).where(_AUDIT.c.team_id == self.team_id, _AUDIT.c.at >= window_start)
        ) or 0)

    def _forget_before(self, window_start: datetime) -> None:
        self.recent = {audit_id: at for audit_id, at in self.recent.items() if at >= window_start}

    def _apply_recent(self, connection: Connection, window_start: datetime) -> None:
        new: dict[int, datetime] = {}
        changed: set[int] = set()
        for audit_id, outcome_id, at in connection.execute(
            select(_AUDIT.c.id, _AUDIT.c.outcome_id, _AUDIT.c.at).where(
                _AUDIT.c.team_id == self.team_id, _AUDIT.c.at >= window_start
            )
        ):
            if audit_id not in self.recent:
                new[audit_id] = at
                changed.add(outcome_id)
        if not new:
            return
        if len(changed) >= max(64, REBUILD_SHARE * self.live):
            self._build(connection, window_start)
            return
        self._reload(connection, changed)
        self.recent.update(new)
        self.audit_applied += len(new)
        dead = len(self.ids) - self.live
        if dead > max(64, REBUILD_SHARE * len(self.ids)):
            self._build(connection, window_start)

    def _reload(self, connection: Connection, outcome_ids: set[int]) -> None:
        rows = connection.execute(
            select(
                _OUTCOMES.c.id, _OUTCOMES.c.interview_id, _OUTCOMES.c.status, _OUTCOMES.c.search_text,
                *(_OUTCOMES.c[sector] for sector in SECTOR_BITS),
            ).where(
                _OUTCOMES.c.team_id == self.team_id,
                _OUTCOMES.c.id.in_(outcome_ids),
                _OUTCOMES.c.deleted_at.is_(None),
            )
        ).all()
        factors = self._factors_by_outcome(connection, outcome_ids)
        for outcome_id in outcome_ids:
            position = self.position.pop(outcome_id, None)
            if position is not None:
                self.alive[position] = 0
                self.total_length -= self.lengths[position]
                self.factor_live.subtract(self.doc_factors[position])
        for row in rows:
            self._add(row, factors.get(row[0], ()))

    def _factors_by_outcome(self, connection: Connection, outcome_ids: set[int] | None) -> dict[int, list[str]]:
        query = select(_FACTORS.c.outcome_id, _FACTORS.c.factor_id).where(
            _FACTORS.c.team_id == self.team_id, _FACTORS.c.deleted.is_(False)
        )
        if outcome_ids is not None:
            query = query.where(_FACTORS.c.outcome_id.in_(outcome_ids))
        found: dict[int, list[str]] = {}
        for outcome_id, factor_id in connection.execute(query.execution_options(yield_per=STREAM_ROWS)):
            listed = found.get(outcome_id)
            if listed is None:
                found[outcome_id] = [sys.intern(factor_id)]
            else:
                listed.append(sys.intern(factor_id))
        return found

    def _add(self, row: Any, factors: Iterable[str]) -> None:
        """Append one outcome; `row` is (id, interview id, status, search text, *sector flags)."""
        outcome_id, interview_id, status, search_text, *flags = row
        position = len(self.ids)
        words = folded_terms(search_text or "")
        factor_ids = tuple(dict.fromkeys(factors))
        self.doc_factors.append(factor_ids)
        self.factor_live.update(factor_ids)
        self.ids.append(outcome_id)
        self.interviews.append(interview_id or 0)
        self.sectors.append(sum(bit for bit, flag in zip(SECTOR_BITS.values(), flags, strict=True) if flag))
        self.statuses.append(STATUS_CODES.get(status, STATUS_CODES["ongoing"]))
        self.alive.append(1)
        self.factor_counts.append(min(len(factor_ids), 255))
        self.lengths.append(len(words))
        self.total_length += len(words)
        self.position[outcome_id] = position
        for postings, keys in ((self.factor_postings, factor_ids), (self.term_postings, words)):
            for key in keys:
                found = postings.get(key)
                if found is None:
                    found = postings[key] = array("I")
                found.append(position)

    # -- searching ---------------------------------------------------------------------------------

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The `limit` most alike live outcomes, best first (newer first among equals).

        Outcomes are visited in groups that share the same flagged factors, most shared weight first,
        and the visit stops once no unvisited group could beat the `limit`-th best: at 100,000
        outcomes only a small part is ever scored in full.
        """
        documents = self.live
        if documents == 0 or limit < 1:
            return []
        flagged = [f for f in dict.fromkeys(query.factors) if self.factor_live[f] > 0][:MAX_QUERY_FACTORS]
        factor_weights = [idf(self.factor_live[f], documents) for f in flagged]
        # A word's postings may still hold outcomes since deleted or edited (under a quarter; see
        # REBUILD_SHARE), so its count is capped at the number of outcomes.
        common = COMMON_TERM_SHARE * documents if documents >= 20 else documents
        term_weights = {
            t: idf(min(len(postings), documents), documents) for t in terms(query.text)
            if (postings := self.term_postings.get(t)) is not None and len(postings) <= max(common, 1)
        }
        # Which of the flagged factors each outcome shares, as bits.
        shared: dict[int, int] = {}
        for bit_number, factor_id in enumerate(flagged):
            bit = 1 << bit_number
            for position in self.factor_postings[factor_id]:
                shared[position] = shared.get(position, 0) | bit
        word_weight: dict[int, float] = {}
        for word, weight in term_weights.items():
            for position in self.term_postings[word]:
                word_weight[position] = word_weight.get(position, 0.0) + weight
        by_shared: dict[int, list[int]] = {}
        for position, bits in shared.items():
            by_shared.setdefault(bits, []).append(position)
        by_shared.setdefault(0, []).extend(p for p in word_weight if p not in shared)

        factor_total = sum(factor_weights)
        mean_factor_weight = factor_total / len(factor_weights) if factor_weights else 0.0
        shared_weight = {
            bits: sum(w for n, w in enumerate(factor_weights) if bits >> n & 1) for bits in by_shared
        }
        term_total = sum(term_weights.values())
        best_text = max(word_weight.values(), default=0.0) / term_total if term_total else 0.0
        average_length = self.total_length / documents
        wanted = sum(SECTOR_BITS.get(s, 0) for s in query.sectors)
        alive, sectors, counts, lengths, interviews, ids = (
            self.alive, self.sectors, self.factor_counts, self.lengths, self.interviews, self.ids)
        exclude = query.exclude_interview or -1

        def parts(position: int, bits: int) -> tuple[float, float, float]:
            factor_similarity = text_similarity = 0.0
            if bits:
                extra = max(0, counts[position] - bits.bit_count())  # logged there, not flagged here
                factor_similarity = shared_weight[bits] / (factor_total + mean_factor_weight * extra)
            if position in word_weight:
                # Long lessons share words by chance: damp them the way BM25 does (b = 0.5).
                damping = min(1.0, 1.0 / (0.5 + 0.5 * lengths[position] / average_length)) if average_length else 1.0
                text_similarity = word_weight[position] / term_total * damping
            either = sectors[position] | wanted
            sector_similarity = (sectors[position] & wanted).bit_count() / either.bit_count() if either else 0.0
            return factor_similarity, sector_similarity, text_similarity

        best: list[tuple[float, int, int, int]] = []  # a min-heap of (score, outcome id, position, bits)
        for bits in sorted(by_shared, key=shared_weight.__getitem__, reverse=True):
            ceiling = (FACTOR_WEIGHT * (shared_weight[bits] / factor_total if factor_total else 0.0)
                       + TEXT_WEIGHT * best_text + SECTOR_WEIGHT)
            if len(best) == limit and ceiling <= best[0][0]:
                break
            for position in by_shared[bits]:
                if not alive[position] or interviews[position] == exclude:
                    continue
                factor_similarity, sector_similarity, text_similarity = parts(position, bits)
                score = (FACTOR_WEIGHT * factor_similarity + TEXT_WEIGHT * text_similarity
                         + SECTOR_WEIGHT * sector_similarity)
                entry = (score, ids[position], position, bits)
                if len(best) < limit:
                    heapq.heappush(best, entry)
                elif entry > best[0]:
                    heapq.heapreplace(best, entry)
        return [Hit(outcome_id, score, *parts(position, bits))
                for score, outcome_id, position, bits in sorted(best, reverse=True) if score > 0]

    def group(self, factor_id: str, *, exclude_interview: int | None = None) -> dict[str | None, Counter[str]]:
        """How the live outcomes that logged `factor_id` turned out (statuses counted), overall (key None)
        and per partner sector."""
        groups: dict[str | None, Counter[str]] = {None: Counter()}
        groups.update({sector: Counter() for sector in SECTOR_BITS})
        exclude = exclude_interview or -1
        for position in self.factor_postings.get(factor_id, ()):
            if not self.alive[position] or self.interviews[position] == exclude:
                continue
            status = STATUSES[self.statuses[position]]
            groups[None][status] += 1
            for sector, bit in SECTOR_BITS.items():
                if self.sectors[position] & bit:
                    groups[sector][status] += 1
        return groups


_INDEXES: weakref.WeakKeyDictionary[Engine, OrderedDict[str, TeamIndex]] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def team_index(db: Database, team_id: str) -> TeamIndex:
    """This process's index of the team's outcomes in this database (created empty; `refresh` fills it)."""
    with _INDEXES_LOCK:
        teams = _INDEXES.setdefault(db.engine, OrderedDict())
        index = teams.get(team_id)
        if index is None:
            index = teams[team_id] = TeamIndex(team_id)
            while len(teams) > TEAMS_PER_DATABASE:
                teams.popitem(last=False)
        teams.move_to_end(team_id)
        return index
