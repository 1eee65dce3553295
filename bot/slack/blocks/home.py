"""The App Home tab: the person's interviews in progress, the team's recent outcomes and its figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.views import View

from bot.advice.wording import shorten
from bot.kb.loader import KnowledgeBase
from bot.kb.models import PartnershipStatus
from bot.outcomes.models import FactorCount, OutcomeRecord, OutcomeStats
from bot.slack.blocks.common import (
    BlockDict,
    actions,
    button,
    check_view_blocks,
    context,
    divider,
    header,
    section_with_button,
    sections,
)
from bot.slack.blocks.outcome import SECTOR_LABELS, STATUS_LABELS
from bot.slack.escape import escape_mrkdwn
from bot.slack.ids import Action, Command

MAX_INTERVIEWS = 10
MAX_OUTCOMES = 8
TOP_FACTORS = 5


@dataclass
class InterviewLine:
    id: int
    where: str
    progress: str
    description: str | None
    updated_at: datetime


def _date(moment: datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{moment:%Y-%m-%d}>"


def _factor_counts(counts: list[FactorCount], attribute: str) -> str:
    return ", ".join(f"{escape_mrkdwn(c.name)} ({getattr(c, attribute)})" for c in counts[:TOP_FACTORS])


def home_view(*, interviews: list[InterviewLine], outcomes: list[OutcomeRecord], stats: OutcomeStats,
              kb: KnowledgeBase) -> dict[str, Any]:
    blocks: list[BlockDict] = [
        header("partnerbot"),
        *sections("Think a health-sector partnership through before it fails: a short interview gives you "
                  "the risks to watch, the strengths to build on and what is still unknown. Logging how "
                  "partnerships turned out lets your team learn from them."),
        *actions([button("Start an interview", Action.start, style="primary"),
                  button("Log an outcome", Action.home_log_outcome)]),
        context(f"Also: `{Command.partner} help`, `{Command.factor} trust`, or mention me in a channel."),
        divider(),
        header("Your interviews in progress"),
    ]
    if not interviews:
        blocks += sections("None in progress.")
    for line in interviews[:MAX_INTERVIEWS]:
        text = f"*{escape_mrkdwn(shorten(line.description, 140)) if line.description else 'No description yet'}*"
        text += f"\n{line.progress} · {line.where} · last answered {_date(line.updated_at)}"
        blocks.append(section_with_button(text, button("Resume", Action.resume, str(line.id))))
    if len(interviews) > MAX_INTERVIEWS:
        blocks.append(context(f"…and {len(interviews) - MAX_INTERVIEWS} more; `{Command.partner} resume` "
                              "continues the latest."))

    blocks += [divider(), header("Your team's recent outcomes")]
    if not outcomes:
        blocks += sections(f"No outcomes logged yet. `{Command.outcome}` logs the first.")
    for record in outcomes[:MAX_OUTCOMES]:
        who = f"<@{record.logged_by}>" if record.logged_by else "someone (anonymous)"
        factors = [kb.factors[f].name for f in record.factors if f in kb.factors][:3]
        text = (f"*{escape_mrkdwn(record.name)}*: {STATUS_LABELS[record.status]}"
                f" · {', '.join(SECTOR_LABELS[s] for s in record.sectors)}")
        if factors:
            text += "\n" + escape_mrkdwn(", ".join(factors))
        blocks += sections(text)
        blocks.append(context(f"Logged by {who} on {_date(record.logged_at)}"))

    blocks += [divider(), header("Your team's figures")]
    if stats.total == 0:
        blocks += sections("Figures appear once outcomes are logged.")
    else:
        shown = [f"{STATUS_LABELS[s]}: {n}" for s, n in stats.statuses.items() if n]
        lines = [f"*{stats.total} outcome{'s' if stats.total != 1 else ''} logged.* " + " · ".join(shown)]
        lines.append("*Sectors:* " + " · ".join(f"{SECTOR_LABELS[s]}: {n}" for s, n in stats.sectors.items()))
        if stats.struggling_factors:
            lines.append("*Most often behind struggling or failed ones:* "
                         + _factor_counts(stats.struggling_factors, "struggling_or_failed"))
        if stats.successful_factors:
            lines.append("*Most often behind successful ones:* "
                         + _factor_counts(stats.successful_factors, "successful"))
        blocks += sections("\n".join(lines))
        if stats.statuses.get(PartnershipStatus.potential_unexplored) or stats.statuses.get(
                PartnershipStatus.potential_undeveloped):
            blocks.append(context("Potential partnerships that never got going count too: they show what "
                                  "stops good ideas."))
    check_view_blocks(blocks)
    return View(type="home", blocks=blocks).to_dict()
