"""The stats as a picture, for people who would rather look than read (needs the `chart` extra)."""

from __future__ import annotations

from pathlib import Path

from bot.outcomes.models import OutcomeStats
from bot.outcomes.render import SPAN_WORDS


class ChartUnavailable(RuntimeError):
    """matplotlib is not installed."""


def draw_stats_chart(stats: OutcomeStats, path: Path, *, title: str, top: int = 8) -> Path:
    """Four panels: sectors involved, sectors spanned, status, and the top factors by outcome."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ChartUnavailable("drawing charts needs matplotlib: pip install 'partnerbot[chart]'") from None

    figure, axes = plt.subplots(2, 2, figsize=(13, 9), constrained_layout=True)
    figure.suptitle(f"{title} ({stats.total} partnerships)", fontsize=14)
    _bars(
        axes[0][0],
        [s.value for s in stats.sectors],
        list(stats.sectors.values()),
        "Partner sectors involved",
        "#4C72B0",
    )
    _bars(
        axes[0][1],
        [SPAN_WORDS.get(n, str(n)) for n in stats.spans],
        list(stats.spans.values()),
        "Sectors spanned",
        "#55A868",
    )
    _bars(
        axes[1][0],
        [s.value for s in stats.statuses],
        list(stats.statuses.values()),
        "Status",
        "#8172B2",
        rotate=True,
    )

    ax = axes[1][1]
    chosen = {c.id: c for c in [*stats.struggling_factors[:top], *stats.successful_factors[:top]]}
    factors = sorted(chosen.values(), key=lambda c: (c.struggling_or_failed + c.successful, c.id))
    positions = list(range(len(factors)))
    height = 0.4
    ax.barh(
        [p + height / 2 for p in positions],
        [c.struggling_or_failed for c in factors],
        height,
        label="struggling or failed",
        color="#C44E52",
    )
    ax.barh(
        [p - height / 2 for p in positions],
        [c.successful for c in factors],
        height,
        label="successful",
        color="#55A868",
    )
    ax.set_yticks(positions, [c.name for c in factors], fontsize=8)
    ax.set_title("Factors logged, by outcome")
    ax.set_xlabel("partnerships")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if factors:
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no factors logged yet", ha="center", va="center", transform=ax.transAxes)

    path = Path(path)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _bars(ax, labels: list[str], values: list[int], title: str, color: str, *, rotate: bool = False) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.ticker import MaxNLocator

    bars = ax.bar(labels, values, color=color)
    ax.bar_label(bars)
    ax.set_title(title)
    ax.set_ylabel("partnerships")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if rotate:
        ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right")
