"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.ids import View
from bot.slack.listeners.views import outcome, share
from bot.slack.middleware import guarded


def register(app: App) -> None:
    app.view(View.outcome_modal.value)(guarded(outcome.handle_outcome_submission))
    app.view(View.share_modal.value)(guarded(share.handle_share_submission))
