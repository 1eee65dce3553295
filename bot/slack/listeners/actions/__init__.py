"""Block actions: buttons and selects."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.ids import Action
from bot.slack.listeners.actions import factor


def register(app: App) -> None:
    app.action(Action.factor_lessons.value)(factor.handle_lessons)
    app.action(Action.factor_choose.value)(factor.handle_choose)
