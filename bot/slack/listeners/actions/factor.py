"""Buttons on `/factor` replies: show a factor's lessons, or pick one of several candidates."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.kb.lookup import factor_card
from bot.slack.blocks import factor as factor_blocks
from bot.slack.listeners.commands.factor import team_evidence
from bot.slack.middleware import UserFacingError
from bot.slack.services import services_of, team_of


def handle_lessons(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    kb = services_of(context).kb
    factor = kb.factors.get(action.get("value") or "")
    if factor is None:
        raise UserFacingError("That factor is no longer in the knowledge base.")
    for message in factor_blocks.lessons_messages(factor, kb.lessons_for(factor.id), kb):
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def handle_choose(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services = services_of(context)
    factor = services.kb.factors.get(action.get("value") or "")
    if factor is None:
        raise UserFacingError("That factor is no longer in the knowledge base.")
    evidence = team_evidence(services, team_of(context), factor.id)
    respond(response_type="ephemeral", replace_original=True,
            **factor_blocks.factor_card(factor_card(factor, services.kb), evidence).as_kwargs())
