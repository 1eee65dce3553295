"""`/partner-outcome`: open the outcome modal straight away (a trigger_id lasts only 3 seconds)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks.outcome import outcome_modal
from bot.slack.services import services_of


def handle_outcome_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=outcome_modal(services_of(context).kb))
