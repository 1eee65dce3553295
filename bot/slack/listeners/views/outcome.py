"""The outcome modal's submission: field errors back into the modal, one stored outcome, a DM to confirm.

A form submitted twice (a double click, a resent request) is stored once: after validation, the
view's id is claimed like an event id, and only the first claim logs the outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outcomes.models import OutcomeInputError
from bot.slack.blocks.outcome import OutcomeDraft, confirmation, modal_errors, outcome_modal, read_submission
from bot.slack.home import publish_home
from bot.slack.middleware import REQUEST_ID
from bot.slack.services import services_of, team_of

log = logging.getLogger(__name__)


def submission_key(view: dict[str, Any]) -> str:
    return f"slack-view:{view['id']}"


def handle_outcome_submission(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                              context: BoltContext) -> None:
    services = services_of(context)
    team_id, user_id = team_of(context, body), body["user"]["id"]
    outcomes = services.outcomes(team_id)
    data = read_submission(view)
    try:
        outcomes.validate(data)
    except OutcomeInputError as exc:
        ack(response_action="errors", errors=modal_errors(exc.problems))
        return
    if not services.processed_events().claim(submission_key(view)):
        ack()  # the same form again: it was logged the first time
        return
    try:
        record = outcomes.log(data, user_id=user_id)
    except Exception as exc:
        log.exception("[%s] could not store an outcome", context.get(REQUEST_ID, "-"))
        reason = "; ".join(m for _, m in exc.problems) if isinstance(exc, OutcomeInputError) else "a storage error"
        draft = OutcomeDraft(**{k: v for k, v in data.items() if k != "interview_id"})
        ack(response_action="push", view=outcome_modal(services.kb, draft, note=(
            f":warning: That did not save ({reason}; reference `{context.get(REQUEST_ID, '-')}`). "
            "Everything you typed is below: please submit again.")))
        return
    ack()
    try:
        client.chat_postMessage(channel=user_id, **confirmation(record, services.kb).as_kwargs())
        publish_home(client, services, team_id, user_id)
    except SlackApiError:
        log.warning("outcome %s is stored but its confirmation could not be sent", record.id, exc_info=True)
