"""`/factor QUERY`: look a factor up and answer privately with its card, a choice, or a helpful miss."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from sqlalchemy.exc import SQLAlchemyError

from bot.kb.loader import KnowledgeBase
from bot.kb.lookup import factor_card, lookup_factor
from bot.outcomes.evidence import FactorEvidence, factor_evidence
from bot.slack.blocks import factor as factor_blocks
from bot.slack.blocks.common import Message
from bot.slack.escape import plain_text_from_slack
from bot.slack.services import SlackServices, services_of, team_of
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)


def handle_factor_command(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services = services_of(context)
    reply = factor_reply(plain_text_from_slack(command.get("text") or ""), services.kb,
                         evidence_of=lambda factor_id: team_evidence(services, team_of(context), factor_id))
    respond(response_type="ephemeral", **reply.as_kwargs())


def team_evidence(services: SlackServices, team_id: str, factor_id: str) -> FactorEvidence | None:
    """The team's own evidence for a card; a card without it beats no card while the database is away."""
    try:
        return factor_evidence(services.db, services.kb, team_id, factor_id)
    except (StorageError, SQLAlchemyError):
        log.warning("factor card without the team's evidence: the database did not answer", exc_info=True)
        return None


def factor_reply(query: str, kb: KnowledgeBase,
                 evidence_of: Callable[[str], FactorEvidence | None] | None = None) -> Message:
    result = lookup_factor(query, kb)
    if result.status == "found" and result.factor is not None:
        evidence = evidence_of(result.factor.id) if evidence_of else None
        return factor_blocks.factor_card(factor_card(result.factor, kb), evidence)
    if result.status == "ambiguous":
        return factor_blocks.choose_factor(result.message, result.candidates, kb)
    return factor_blocks.no_factor(result.message, kb)
