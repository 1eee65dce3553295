"""`/factor QUERY`: look a factor up and answer privately with its card, a choice, or a helpful miss."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.kb.loader import KnowledgeBase
from bot.kb.lookup import factor_card, lookup_factor
from bot.slack.blocks import factor as factor_blocks
from bot.slack.blocks.common import Message
from bot.slack.escape import plain_text_from_slack
from bot.slack.services import services_of


def handle_factor_command(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    kb = services_of(context).kb
    respond(response_type="ephemeral", **factor_reply(plain_text_from_slack(command.get("text") or ""), kb).as_kwargs())


def factor_reply(query: str, kb: KnowledgeBase) -> Message:
    result = lookup_factor(query, kb)
    if result.status == "found" and result.factor is not None:
        return factor_blocks.factor_card(factor_card(result.factor, kb))
    if result.status == "ambiguous":
        return factor_blocks.choose_factor(result.message, result.candidates, kb)
    return factor_blocks.no_factor(result.message, kb)
