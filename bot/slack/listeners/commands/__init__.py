"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.ids import Command
from bot.slack.listeners.commands import factor, outcome, partner
from bot.slack.middleware import acknowledge_first, guarded


def register(app: App) -> None:
    app.command(Command.factor.value)(guarded(factor.handle_factor_command))
    app.command(Command.partner.value, middleware=[acknowledge_first])(guarded(partner.handle_partner_command))
    app.command(Command.outcome.value)(guarded(outcome.handle_outcome_command))
