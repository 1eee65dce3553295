"""The advice report: built from an interview's state, rendered for each place it is read."""

from bot.advice.models import AdviceReport, Decision, DecisionStatus
from bot.advice.report import build_report

__all__ = ["AdviceReport", "Decision", "DecisionStatus", "build_report", "render"]

FORMATS = ("text", "md", "json")


def render(report: AdviceReport, fmt: str = "text", *, width: int = 88, bold: bool = False) -> str:
    if fmt == "md":
        from bot.advice.render_markdown import render_markdown

        return render_markdown(report)
    if fmt == "json":
        from bot.advice.render_json import render_json

        return render_json(report) + "\n"
    from bot.advice.render_text import render_text

    return render_text(report, width=width, bold=bold)
