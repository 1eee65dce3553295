"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.events import home, mentions, messages
from bot.slack.middleware import before_ack, guarded


def register(app: App) -> None:
    app.event("message", middleware=[before_ack(messages.take_typed_answer)])(guarded(messages.handle_message))
    app.event("app_mention")(guarded(mentions.handle_app_mention))
    app.event("app_home_opened")(guarded(home.handle_app_home_opened))
