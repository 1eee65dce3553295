"""Buttons on App Home that open forms."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks.outcome import outcome_modal
from bot.slack.services import services_of


def handle_home_log_outcome(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=outcome_modal(services_of(context).kb))
