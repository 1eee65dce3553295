"""Block actions: buttons and selects."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.ids import Action, matching
from bot.slack.listeners.actions import factor, interview


def register(app: App) -> None:
    app.action(Action.factor_lessons.value)(factor.handle_lessons)
    app.action(matching(Action.factor_choose))(factor.handle_choose)

    app.action(matching(Action.answer_choice))(interview.handle_choice)
    app.action(Action.answer_multi.value)(interview.handle_multi_select)
    app.action(Action.answer_submit_multi.value)(interview.handle_multi_submit)
    for action in interview.NAVIGATION:
        app.action(action)(interview.handle_navigation)
    app.action(Action.resume.value)(interview.handle_resume)
    app.action(Action.start.value)(interview.handle_start)
