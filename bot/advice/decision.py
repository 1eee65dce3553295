"""A suggested decision status in the spirit of The Partnering Initiative's go/no-go check.

The rules are deliberately few and readable: serious risks (above all those that rarely fix
themselves) point to reconsidering, many open questions to exploring further, any notable risk to
going ahead with adjustments. Confidence falls with the share of questions left open.
"""

from __future__ import annotations

from bot.advice.models import Decision, DecisionStatus, RiskItem, StrengthItem
from bot.interview.flow import DecisionRules


def in_sentence(name: str) -> str:
    """'Data and IP barriers' -> 'data and IP barriers', but 'IP rights' stays as it is."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _names(items: list[RiskItem] | list[StrengthItem], limit: int = 2) -> str:
    names = [in_sentence(item.name) for item in items[:limit]]
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def _confidence(rules: DecisionRules, open_count: int, reached: int) -> tuple[str, str]:
    if reached == 0:
        return "low", "no question about the partnership itself was answered"
    share = open_count / reached
    if reached < 4:
        level = "low"
    elif share < rules.confidence_high_below:
        level = "high"
    elif share < rules.confidence_medium_below:
        level = "medium"
    else:
        level = "low"
    if open_count == 0:
        reason = f"all {reached} questions about the partnership were answered"
    else:
        reason = f"{open_count} of {reached} questions about the partnership are still open"
    return level, reason


def suggest(
    rules: DecisionRules,
    risks: list[RiskItem],
    strengths: list[StrengthItem],
    open_topics: list[str],
    reached: int,
) -> Decision:
    """`risks` are all risks found (not only the top five), most pressing first."""
    serious = [r for r in risks if r.score >= rules.serious]
    notable = [r for r in risks if r.score >= rules.notable]
    fundamental = [r for r in serious if r.id in rules.fundamental]
    open_count = len(open_topics)
    share = open_count / reached if reached else 1.0
    confidence, confidence_reason = _confidence(rules, open_count, reached)

    if len(serious) >= rules.reconsider_serious and (fundamental or len(serious) > rules.reconsider_serious):
        status = DecisionStatus.reconsider
        core = fundamental[0] if fundamental else serious[0]
        reason = (
            f"{len(serious)} serious risks, including {in_sentence(core.name)}, which rarely fixes itself; "
            "weigh whether this partnership can work before investing more."
        )
    elif share >= rules.explore_unknown_share:
        status = DecisionStatus.explore_further
        topics = " and ".join(open_topics[:2])
        reason = f"Too much is still unknown ({open_count} of {reached} questions open, such as {topics}); find out before deciding."
    elif any(r.id in rules.explore_when for r in serious):
        status = DecisionStatus.explore_further
        reason = "The right partner is not found or reachable yet; identify and test one before committing."
    elif notable:
        status = DecisionStatus.go_ahead_with_adjustments
        reason = f"Workable if you deal with {_names(notable)} first; the rest can be watched as you go."
    else:
        status = DecisionStatus.go_ahead
        base = f", and {_names(strengths)} give it a good base" if strengths else ""
        reason = f"No serious risks surfaced{base}."
    return Decision(
        status=status, label=status.label, reason=reason, confidence=confidence, confidence_reason=confidence_reason
    )
