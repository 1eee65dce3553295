"""The follow-up DM ("how is the partnership going?") and what replaces it once answered."""

from __future__ import annotations

from datetime import datetime

from bot.advice.decision import in_sentence
from bot.advice.wording import shorten
from bot.followups import Followup
from bot.slack.blocks.common import Message, actions, button, context, sections
from bot.slack.escape import escape_mrkdwn, quote
from bot.slack.ids import Action, Command


def _names(names: list[str]) -> str:
    names = [in_sentence(name) for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def followup_message(followup: Followup, *, risks: list[str], now: datetime, followup_days: int) -> Message:
    """Asks how it is going, with the interview's description and the risks its advice raised; the
    buttons open the outcome form filled in from the interview, or stop the asking."""
    days = max(1, (now - followup.created_at).days)
    blocks = sections(
        f":seedling: *How is the partnership going?* About {days} day{'s' if days != 1 else ''} "
        "ago you thought it through with me:"
    )
    if followup.title:
        blocks += sections(quote(shorten(followup.title, 600)))
    detail = []
    if risks:
        detail.append(f"The advice flagged {escape_mrkdwn(_names(risks[:3]))}.")
    detail.append(
        'Logging how it is going, even "too early to tell", lets your team\'s next advice learn from it.'
    )
    blocks += sections(" ".join(detail))
    blocks += actions(
        [
            button("Log how it's going", Action.followup_log_outcome, str(followup.id), style="primary"),
            button("Stop asking", Action.followup_decline, str(followup.id)),
        ]
    )
    if not followup.is_last_ask:
        blocks.append(
            context(f"Unless you log it or say stop, I'll ask again in about {followup_days} days.")
        )
    return Message(
        text="How is the partnership going? " + escape_mrkdwn(shorten(followup.title, 120)), blocks=blocks
    )


def declined_message() -> Message:
    text = (
        f"Understood: I won't ask about this partnership again. `{Command.outcome}` logs how it went "
        "whenever you like."
    )
    return Message(text=text, blocks=sections(text))
