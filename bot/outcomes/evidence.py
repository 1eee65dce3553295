"""A team's own evidence about each factor: how often it was logged with struggling or failed versus
successful partnerships, and how often advice that flagged it was followed by a struggling or failed
outcome (the interview's newest outcome, when one is logged against it).

Small numbers are easily over-read, so a count under five is always shown as a count ("2 of 3"),
never as a percentage; `share()` is the one place that rule lives.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from bot.kb.loader import KnowledgeBase
from bot.kb.models import FactorKind, PartnershipStatus
from bot.outcomes.models import STRUGGLING
from bot.storage.db import Database
from bot.storage.tables import AdviceHitRow, AdviceRow, OutcomeFactorRow, OutcomeRow

SMALL_COUNT = 5
_FACTORS = OutcomeFactorRow.__table__  # type: ignore[attr-defined]
_OUTCOMES = OutcomeRow.__table__  # type: ignore[attr-defined]
_ADVICE = AdviceRow.__table__  # type: ignore[attr-defined]
_HITS = AdviceHitRow.__table__  # type: ignore[attr-defined]
_STRUGGLING = {status.value for status in STRUGGLING}
_SUCCESSFUL = PartnershipStatus.successful.value


def share(count: int, total: int) -> str:
    """`count` out of `total` for people: "3 of 4" while either is under five, "60% (6 of 10)" after."""
    if count < SMALL_COUNT or total < SMALL_COUNT:
        return f"{count} of {total}"
    return f"{round(100 * count / total)}% ({count} of {total})"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class FactorEvidence(BaseModel):
    """Raw counts; `sentences()` words them with the small-numbers rule."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: FactorKind | None
    logged: int = 0  # live outcomes that named this factor
    logged_struggling_or_failed: int = 0
    logged_successful: int = 0
    advised: int = 0  # interviews whose advice flagged it
    advised_with_outcome: int = 0
    advised_then_struggling_or_failed: int = 0

    @property
    def any(self) -> bool:
        return bool(self.logged or self.advised)

    def sentences(self) -> list[str]:
        if self.logged:
            logged = (
                f"Logged with {self.logged} of your team's outcomes: "
                f"{share(self.logged_struggling_or_failed, self.logged)} struggling or failed, "
                f"{share(self.logged_successful, self.logged)} successful."
            )
        else:
            logged = "Not logged with any of your team's outcomes yet."
        if not self.advised:
            return [logged, "Not flagged in any advice yet."]
        advised = f"Flagged in advice for {_plural(self.advised, 'partnership', 'partnerships')}"
        if not self.advised_with_outcome:
            advised += ", none with an outcome logged yet."
        else:
            advised += (
                f", {share(self.advised_with_outcome, self.advised)} with an outcome logged since: "
                f"{share(self.advised_then_struggling_or_failed, self.advised_with_outcome)} "
                "struggled or failed."
            )
        return [logged, advised]


def team_evidence(
    db: Database, kb: KnowledgeBase, team_id: str, factor_ids: Iterable[str] | None = None
) -> list[FactorEvidence]:
    """Evidence for the given factors (all the team has any for, when None), most evidence first."""
    wanted = list(dict.fromkeys(factor_ids)) if factor_ids is not None else None
    logged: dict[str, dict[str, int]] = {}
    flagged: dict[str, set[int]] = {}
    latest: dict[int, str] = {}
    logged_query = (
        select(_FACTORS.c.factor_id, _FACTORS.c.status, func.count())
        .where(_FACTORS.c.team_id == team_id, _FACTORS.c.deleted.is_(False))
        .group_by(_FACTORS.c.factor_id, _FACTORS.c.status)
    )
    flagged_query = (
        select(_HITS.c.factor_id, _ADVICE.c.interview_id)
        .join(_ADVICE, _ADVICE.c.id == _HITS.c.advice_id)
        .where(_ADVICE.c.team_id == team_id)
        .distinct()
    )
    if wanted is not None:
        logged_query = logged_query.where(_FACTORS.c.factor_id.in_(wanted))
        flagged_query = flagged_query.where(_HITS.c.factor_id.in_(wanted))
    outcomes_query = (
        select(_OUTCOMES.c.interview_id, _OUTCOMES.c.status)
        .where(
            _OUTCOMES.c.team_id == team_id,
            _OUTCOMES.c.deleted_at.is_(None),
            _OUTCOMES.c.interview_id.is_not(None),
        )
        .order_by(_OUTCOMES.c.logged_at, _OUTCOMES.c.id)  # the newest outcome of an interview wins
    )
    with db.engine.connect() as connection:
        for factor_id, status, count in connection.execute(logged_query):
            logged.setdefault(factor_id, {})[status] = int(count)
        for factor_id, interview_id in connection.execute(flagged_query):
            flagged.setdefault(factor_id, set()).add(int(interview_id))
        if flagged:
            latest = {
                int(interview_id): status for interview_id, status in connection.execute(outcomes_query)
            }
    ids = wanted if wanted is not None else sorted(logged.keys() | flagged.keys())
    found = [
        _evidence(kb, factor_id, logged.get(factor_id, {}), flagged.get(factor_id, set()), latest)
        for factor_id in ids
    ]
    if wanted is None:
        found.sort(key=lambda e: (-(e.logged + e.advised), e.id))
    return found


def factor_evidence(db: Database, kb: KnowledgeBase, team_id: str, factor_id: str) -> FactorEvidence:
    return team_evidence(db, kb, team_id, [factor_id])[0]


def _evidence(
    kb: KnowledgeBase, factor_id: str, statuses: dict[str, int], interviews: set[int], latest: dict[int, str]
) -> FactorEvidence:
    factor = kb.factors.get(factor_id)
    followed = [latest[i] for i in interviews if i in latest]
    return FactorEvidence(
        id=factor_id,
        name=factor.name if factor else factor_id,
        kind=factor.kind if factor else None,
        logged=sum(statuses.values()),
        logged_struggling_or_failed=sum(n for status, n in statuses.items() if status in _STRUGGLING),
        logged_successful=statuses.get(_SUCCESSFUL, 0),
        advised=len(interviews),
        advised_with_outcome=len(followed),
        advised_then_struggling_or_failed=sum(1 for status in followed if status in _STRUGGLING),
    )


def _share_or_dash(count: int, total: int) -> str:
    return share(count, total) if total else "-"


def render_evidence_table(evidence: list[FactorEvidence]) -> str:
    """The team's factor evidence as a plain-text table (for `partnerbot outcomes stats`)."""
    lines = [
        "Factor evidence: what your team logged, and what followed advice that flagged each factor",
        f"(a count under {SMALL_COUNT} is shown as a count, never as a percentage)",
    ]
    shown = [e for e in evidence if e.any]
    if not shown:
        return "\n".join([*lines, "  (none yet: log outcomes, or finish an interview to get advice)"])
    lines.append(
        f"  {'FACTOR':<34} {'LOGGED':>6}  {'STRUGGLING/FAILED':<18} {'SUCCESSFUL':<18} "
        f"{'ADVISED':>7}  {'OUTCOME LOGGED':<16} THEN STRUGGLING/FAILED"
    )
    for item in shown:
        kind = "" if item.kind is None else (" (risk)" if item.kind is FactorKind.negative else " (strength)")
        label = f"{item.id}{kind}"
        lines.append(
            f"  {label:<34} {item.logged:>6}  "
            f"{_share_or_dash(item.logged_struggling_or_failed, item.logged):<18} "
            f"{_share_or_dash(item.logged_successful, item.logged):<18} "
            f"{item.advised:>7}  "
            f"{_share_or_dash(item.advised_with_outcome, item.advised):<16} "
            f"{_share_or_dash(item.advised_then_struggling_or_failed, item.advised_with_outcome)}"
        )
    return "\n".join(lines)
