"""Buttons under an advice report: share it to a channel, or log how the partnership turned out."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import ConversationFilter, ConversationSelectElement, InputBlock
from slack_sdk.models.views import View

from bot.advice.wording import shorten
from bot.slack.blocks.outcome import OutcomeDraft, outcome_modal
from bot.slack.conversation import Conversation
from bot.slack.ids import Block
from bot.slack.ids import View as ViewId
from bot.slack.middleware import UserFacingError
from bot.storage.interviews import InterviewRecord


def _own_interview(talk: Conversation, action: dict[str, Any], user_id: str) -> InterviewRecord:
    try:
        record = talk.repo.get(talk.team_id, int(action.get("value") or ""))
    except ValueError:
        record = None
    if record is None:
        raise UserFacingError("That interview is no longer there.")
    if record.user_id != user_id:
        raise UserFacingError(f"This report belongs to <@{record.user_id}>; only they can share it or log its outcome.")
    return record


def share_modal(interview_id: int) -> dict[str, Any]:
    picker = ConversationSelectElement(
        action_id=Block.share_channel_input.value, placeholder="Choose a channel",
        default_to_current_conversation=True,
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    return View(
        type="modal", callback_id=ViewId.share_modal.value, title="Share the report", submit="Share",
        close="Cancel", private_metadata=json.dumps({"interview_id": interview_id}),
        blocks=[InputBlock(block_id=Block.share_channel.value, label="Post it in", element=picker,
                           hint="I need to be a member of the channel.")],
    ).to_dict()


def handle_share(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                 context: BoltContext) -> None:
    ack()
    record = _own_interview(Conversation.of(context, client), action, body["user"]["id"])
    client.views_open(trigger_id=body["trigger_id"], view=share_modal(record.id))


def handle_log_outcome(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                       context: BoltContext) -> None:
    """The outcome form, filled in from the interview: its sectors, and the factors its report raised."""
    ack()
    talk = Conversation.of(context, client)
    record = _own_interview(talk, action, body["user"]["id"])
    view = outcome_modal(talk.services.kb, interview_draft(talk, record))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def interview_draft(talk: Conversation, record: InterviewRecord) -> OutcomeDraft:
    """The outcome form's starting point for an interview: its description, sectors and raised factors."""
    report = talk.report(record)
    return OutcomeDraft(
        name=shorten(report.description, 80) if report.description else "",
        sectors=list(report.sectors),
        factors=[r.id for r in report.risks] + [s.id for s in report.strengths],
        interview_id=record.id,
    )
