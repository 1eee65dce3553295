"""Block actions: buttons and selects."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.ids import Action, matching
from bot.slack.listeners.actions import factor, followup, home, interview, report
from bot.slack.middleware import acknowledge_first, before_ack, guarded


def register(app: App) -> None:
    app.action(Action.factor_lessons.value)(guarded(factor.handle_lessons))
    app.action(matching(Action.factor_choose))(guarded(factor.handle_choose))

    click = [before_ack(interview.take_click)]  # the step is stored, then acknowledged, then shown
    app.action(matching(Action.answer_choice), middleware=click)(guarded(interview.handle_click))
    app.action(Action.answer_submit_multi.value, middleware=click)(guarded(interview.handle_click))
    for action in interview.NAVIGATION:
        app.action(action, middleware=click)(guarded(interview.handle_click))
    app.action(Action.answer_multi.value)(guarded(interview.handle_multi_select))
    app.action(Action.resume.value, middleware=[acknowledge_first])(guarded(interview.handle_resume))
    app.action(Action.start.value, middleware=[acknowledge_first])(guarded(interview.handle_start))

    app.action(Action.share_report.value)(guarded(report.handle_share))
    app.action(Action.log_outcome.value)(guarded(report.handle_log_outcome))
    app.action(Action.home_log_outcome.value)(guarded(home.handle_home_log_outcome))
    app.action(Action.followup_log_outcome.value)(guarded(followup.handle_log_outcome))
    app.action(Action.followup_decline.value)(guarded(followup.handle_decline))
