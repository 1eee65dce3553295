"""The report as JSON: the pydantic model dump, for scripts and other tools."""

from __future__ import annotations

from bot.advice.models import AdviceReport


def render_json(report: AdviceReport, indent: int = 2) -> str:
    return report.model_dump_json(indent=indent)
