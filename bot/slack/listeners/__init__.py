"""Listener registration: one `register(app)` per kind, one module per feature inside each kind."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, views


def register_listeners(app: App) -> None:
    for kind in (commands, events, actions, views):
        kind.register(app)
