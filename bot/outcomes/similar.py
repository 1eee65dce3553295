"""Similar past partnerships: the team's own logged outcomes set beside new advice.

`team_history()` finds the logged outcomes most like the partnership just advised on (partner
sectors, the factors flagged, and the words of the description against each outcome's name,
partners and lesson; see `similar_index` for how and how it stays fast), counts how the team's
partnerships that shared its most pressing flagged factors turned out, and reads the outcomes it
cites through `OutcomeService`, so whoever logged one anonymously is never named to anyone else.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.advice.models import AdviceReport, HistoryGroup, PastPartnership, TeamHistory
from bot.kb.loader import KnowledgeBase
from bot.kb.models import PartnershipStatus, Sector
from bot.outcomes.models import STRUGGLING
from bot.outcomes.similar_index import Query, TeamIndex, team_index
from bot.storage.db import Database
from bot.storage.errors import StorageError
from bot.storage.tables import OutcomeFactorRow, OutcomeRow

log = logging.getLogger(__name__)

_OUTCOMES = OutcomeRow.__table__  # type: ignore[attr-defined]
_FACTORS = OutcomeFactorRow.__table__  # type: ignore[attr-defined]

MAX_SIMILAR = 3
MAX_GROUPS = 2
MIN_SIMILARITY = 0.2  # below this an outcome shares too little to be called "like this one"
MIN_SECTOR_GROUP = 2  # narrow a group to one partner sector only when that still leaves this many
_NEVER_STARTED = {PartnershipStatus.potential_unexplored.value, PartnershipStatus.potential_undeveloped.value}


def query_of(report: AdviceReport, interview_id: int | None = None) -> Query:
    """What this partnership is, for comparing: its sectors, flagged factors (most pressing first)
    and the words the person wrote (the description and the free-text answers that raised factors)."""
    written = [report.description or ""]
    for item in [*report.risks, *report.strengths]:
        written += [evidence.answer for evidence in item.evidence if evidence.source != "answer"]
    return Query(
        sectors=frozenset(report.sectors),
        factors=tuple(dict.fromkeys([r.id for r in report.risks] + [s.id for s in report.strengths])),
        text="\n".join(dict.fromkeys(written)),
        exclude_interview=interview_id,
    )


def team_history(
    db: Database,
    kb: KnowledgeBase,
    team_id: str,
    report: AdviceReport,
    *,
    interview_id: int | None = None,
    viewer: str | None = None,
) -> TeamHistory:
    """The team's history beside this advice. Outcomes logged against `interview_id` itself are left
    out (they are this partnership, not a past one); `viewer` sees their own name on anonymous logs."""
    query = query_of(report, interview_id)
    index = team_index(db, team_id)
    with index.lock:
        index.refresh(db)
        logged = index.live
        hits = index.search(query, MAX_SIMILAR)
        groups = _groups(index, report, kb, interview_id)
    ids = [hit.outcome_id for hit in hits if hit.score >= MIN_SIMILARITY]
    similar = []
    for row, logged_factors in _read_cited(db, team_id, ids):
        hidden = row.anonymous and row.logged_by is not None and row.logged_by != viewer  # as everywhere
        similar.append(
            PastPartnership(
                outcome_id=row.id,
                name=row.name,
                year=row.logged_at.year,
                status=row.status,
                sectors=[sector.value for sector in Sector if getattr(row, sector.value)],
                shared_factors=[_name(kb, f) for f in query.factors if f in logged_factors],
                lesson=row.lesson,
                logged_by=None if hidden else row.logged_by,
            )
        )
    return TeamHistory(outcomes_logged=logged, groups=groups, similar=similar)


def _name(kb: KnowledgeBase, factor_id: str) -> str:
    factor = kb.factors.get(factor_id)
    return factor.name if factor else factor_id


def _read_cited(db: Database, team_id: str, outcome_ids: list[int]) -> list[tuple[Any, set[str]]]:
    """The outcomes to cite with their factors, in this order, read in one go (one deleted since the
    index looked is left out)."""
    if not outcome_ids:
        return []
    with db.engine.connect() as connection:
        rows = {
            row.id: row
            for row in connection.execute(
                select(
                    _OUTCOMES.c.id,
                    _OUTCOMES.c.name,
                    _OUTCOMES.c.status,
                    _OUTCOMES.c.logged_at,
                    _OUTCOMES.c.lesson,
                    _OUTCOMES.c.anonymous,
                    _OUTCOMES.c.logged_by,
                    *(_OUTCOMES.c[sector.value] for sector in Sector),
                ).where(
                    _OUTCOMES.c.team_id == team_id,
                    _OUTCOMES.c.id.in_(outcome_ids),
                    _OUTCOMES.c.deleted_at.is_(None),
                )
            )
        }
        factors: dict[int, set[str]] = {}
        # By outcome id alone (the rows above are this team's): the primary key answers it at once.
        for outcome_id, factor_id in connection.execute(
            select(_FACTORS.c.outcome_id, _FACTORS.c.factor_id).where(_FACTORS.c.outcome_id.in_(list(rows)))
        ):
            factors.setdefault(outcome_id, set()).add(factor_id)
    return [(rows[i], factors.get(i, set())) for i in outcome_ids if i in rows]


def _groups(
    index: TeamIndex, report: AdviceReport, kb: KnowledgeBase, interview_id: int | None
) -> list[HistoryGroup]:
    """For the most pressing flagged factors the team has history with: how those partnerships went,
    narrowed to one of this partnership's sectors when enough of them had such a partner."""
    struggling = {status.value for status in STRUGGLING}
    groups: list[HistoryGroup] = []
    for factor_id in dict.fromkeys([r.id for r in report.risks] + [s.id for s in report.strengths]):
        counts = index.group(factor_id, exclude_interview=interview_id)
        if not counts[None]:
            continue
        by_sector = [(sum(counts[s].values()), s) for s in report.sectors if s in counts]
        size, sector = max(by_sector, default=(0, None), key=lambda pair: pair[0])
        chosen: Counter[str] = counts[sector] if sector and size >= MIN_SECTOR_GROUP else counts[None]
        groups.append(
            HistoryGroup(
                factor_id=factor_id,
                factor_name=_name(kb, factor_id),
                sector=sector if chosen is not counts[None] else None,
                total=sum(chosen.values()),
                struggling_or_failed=sum(n for status, n in chosen.items() if status in struggling),
                successful=chosen[PartnershipStatus.successful.value],
                ongoing=chosen[PartnershipStatus.ongoing.value],
                never_started=sum(n for status, n in chosen.items() if status in _NEVER_STARTED),
            )
        )
        if len(groups) == MAX_GROUPS:
            break
    return groups


def with_team_history(
    report: AdviceReport,
    db: Database,
    kb: KnowledgeBase,
    team_id: str,
    *,
    interview_id: int | None = None,
    viewer: str | None = None,
) -> AdviceReport:
    """The report with the team's history; the report as it was if the database cannot say (the advice
    itself never waits on this)."""
    try:
        history = team_history(db, kb, team_id, report, interview_id=interview_id, viewer=viewer)
    except (StorageError, SQLAlchemyError):
        log.warning("the team's history could not be read; the advice goes out without it", exc_info=True)
        return report
    return report.model_copy(update={"team_history": history})
