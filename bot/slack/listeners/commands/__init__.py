"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.ids import Command
from bot.slack.listeners.commands import factor, partner


def register(app: App) -> None:
    app.command(Command.factor.value)(factor.handle_factor_command)
    app.command(Command.partner.value)(partner.handle_partner_command)
