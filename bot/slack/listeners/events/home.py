"""App Home: rebuilt from the database each time it is opened."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.home import publish_home
from bot.slack.services import services_of, team_of


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return  # the Messages tab is where the DM interview happens; nothing to draw there
    publish_home(client, services_of(context), team_of(context), event["user"])
