"""Buttons on a follow-up DM: log how the partnership is going (the outcome form, filled in from the
interview), or stop being asked about it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.followups import Followup, FollowupRepository
from bot.slack.blocks.followup import declined_message
from bot.slack.blocks.outcome import outcome_modal
from bot.slack.conversation import Conversation
from bot.slack.listeners.actions.report import interview_draft
from bot.slack.middleware import UserFacingError


def _own_followup(talk: Conversation, action: dict[str, Any], user_id: str) -> Followup:
    try:
        followup = FollowupRepository(talk.services.db).get(talk.team_id, int(action.get("value") or ""))
    except ValueError:
        followup = None
    if followup is None:
        raise UserFacingError(
            "That follow-up is no longer there. `/partner-outcome` logs how a partnership went."
        )
    if followup.user_id != user_id:
        raise UserFacingError(
            "This follow-up is for someone else; `/partner-outcome` logs your own partnership."
        )
    return followup


def handle_log_outcome(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    talk = Conversation.of(context, client)
    followup = _own_followup(talk, action, body["user"]["id"])
    record = talk.repo.get(talk.team_id, followup.interview_id)
    if record is None:
        raise UserFacingError("That interview is no longer there. `/partner-outcome` logs how it went.")
    view = outcome_modal(talk.services.kb, interview_draft(talk, record))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_decline(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    talk = Conversation.of(context, client)
    followup = _own_followup(talk, action, body["user"]["id"])
    FollowupRepository(talk.services.db).decline(talk.team_id, followup.interview_id)
    respond(replace_original=True, **declined_message().as_kwargs())
