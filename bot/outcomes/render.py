"""Plain-text views of outcomes for the terminal (Slack renders its own blocks from the same data)."""

from __future__ import annotations

import textwrap
from datetime import datetime

from bot.kb.loader import KnowledgeBase
from bot.outcomes.models import AuditEntry, FactorCount, OutcomeRecord, OutcomeStats

WIDTH = 88
SPAN_WORDS = {1: "one sector", 2: "two sectors", 3: "three sectors"}


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _kind(kb: KnowledgeBase, factor_id: str) -> str:
    factor = kb.factors.get(factor_id)
    if factor is None:
        return f"{factor_id} (no longer in the knowledge base)"
    return f"{factor_id:<32} {factor.name} ({'risk' if factor.kind.value == 'negative' else 'strength'})"


def render_list(records: list[OutcomeRecord], total: int, offset: int = 0) -> str:
    if not records:
        return "No outcomes match." if total == 0 else f"No outcomes on this page ({total} match in all)."
    lines = [f"{'ID':>6}  {'LOGGED':<10}  {'STATUS':<21}  {'SECTORS':<30}  NAME"]
    for record in records:
        sectors = "+".join(sector.value for sector in record.sectors)
        lines.append(
            f"{record.id:>6}  {record.logged_at:%Y-%m-%d}  {record.status.value:<21}  {sectors:<30}  {record.name}"
        )
    shown_to = offset + len(records)
    if total > shown_to or offset:
        more = f"; next page: --offset {shown_to}" if total > shown_to else ""
        lines.append(f"Showing {offset + 1}-{shown_to} of {total}{more}.")
    return "\n".join(lines)


def render_outcome(record: OutcomeRecord, kb: KnowledgeBase, history: list[AuditEntry] | None = None) -> str:
    lines = [
        f"Outcome {record.id}: {record.name}",
        f"  Status:   {record.status.value}",
        f"  Sectors:  {', '.join(sector.value for sector in record.sectors)}",
        f"  Region:   {record.region.value}",
        f"  Partners: {'; '.join(record.partners) if record.partners else '(none named)'}",
    ]
    if record.interview_id is not None:
        lines.append(f"  Interview: {record.interview_id}")
    lines.append("  Factors that mattered:" if record.factors else "  Factors that mattered: (none named)")
    lines += [f"    - {_kind(kb, factor_id)}" for factor_id in record.factors]
    if record.lesson:
        lines.append("  Lesson learned:")
        for paragraph in record.lesson.splitlines() or [""]:
            lines.append(
                textwrap.fill(paragraph, WIDTH, initial_indent="    ", subsequent_indent="    ") or ""
            )
    if record.logged_by:
        who = record.logged_by
    else:
        who = "someone who chose to stay anonymous" if record.anonymous else "unknown"
    note = " (anonymous: hidden from everyone else)" if record.anonymous and record.logged_by else ""
    lines.append(f"  Logged by {who} on {_when(record.logged_at)}{note}")
    if record.updated_at != record.logged_at:
        lines.append(f"  Last changed {_when(record.updated_at)}")
    if history:
        lines.append("  History:")
        lines += [f"    {_audit_line(entry)}" for entry in history]
    return "\n".join(lines)


def _audit_line(entry: AuditEntry) -> str:
    actor = entry.actor or "someone"
    line = f"{_when(entry.at)}  {entry.action} by {actor}"
    if entry.action == "edited" and entry.changes:
        parts = []
        for field, (before, after) in entry.changes.items():
            if field == "lesson":
                parts.append("lesson rewritten")
            else:
                parts.append(f"{field} {_short(before)} -> {_short(after)}")
        line += ": " + "; ".join(parts)
    return line


def _short(value: object) -> str:
    if isinstance(value, list):
        value = ", ".join(map(str, value)) or "(none)"
    text = "(none)" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _share(count: int, total: int) -> str:
    percent = f"{round(100 * count / total):>3}%" if total else "   -"
    return f"{count:>6}/{total:<6} {percent}"


def render_stats(stats: OutcomeStats, team_id: str) -> str:
    total = stats.total
    if total == 0:
        return f"No outcomes logged yet for team {team_id}. Log one with: partnerbot outcomes log"
    lines = [
        f"Partnership outcomes logged by team {team_id}: {total}",
        "",
        "Partner sectors involved (one partnership can involve several)",
    ]
    lines += [f"  {sector.value:<22}{_share(count, total)}" for sector, count in stats.sectors.items()]
    lines += ["", "Sectors spanned"]
    lines += [
        f"  {SPAN_WORDS.get(span, str(span)):<22}{_share(count, total)}"
        for span, count in stats.spans.items()
    ]
    lines += ["", "Status"]
    lines += [f"  {status.value:<22}{_share(count, total)}" for status, count in stats.statuses.items()]
    lines += _factor_block(
        "Factors most often logged with struggling or failed partnerships",
        stats.struggling_factors,
        "struggling_or_failed",
    )
    lines += _factor_block(
        "Factors most often logged with successful partnerships", stats.successful_factors, "successful"
    )
    return "\n".join(lines)


def _factor_block(title: str, counts: list[FactorCount], attribute: str) -> list[str]:
    lines = ["", title]
    if not counts:
        return [*lines, "  (none logged yet)"]
    for count in counts:
        kind = "" if count.kind is None else (" (risk)" if count.kind.value == "negative" else " (strength)")
        lines.append(f"  {getattr(count, attribute):>6}  {count.id:<32} {count.name}{kind}")
    return lines
