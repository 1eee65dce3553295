"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.events import mentions, messages


def register(app: App) -> None:
    app.event("message")(messages.handle_message)
    app.event("app_mention")(mentions.handle_app_mention)
