"""Sharing an advice report to a channel chosen in a small modal."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks.report import report_messages
from bot.slack.conversation import Conversation
from bot.slack.ids import Block
from bot.slack.web import describe_api_error


def handle_share_submission(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                            context: BoltContext) -> None:
    ack()
    user_id = body["user"]["id"]
    values = (view.get("state") or {}).get("values") or {}
    channel = (values.get(Block.share_channel.value) or {}).get(Block.share_channel_input.value, {}).get(
        "selected_conversation")
    interview_id = json.loads(view.get("private_metadata") or "{}").get("interview_id")
    talk = Conversation.of(context, client)
    record = talk.repo.get(talk.team_id, int(interview_id)) if interview_id else None
    if not channel or record is None or record.user_id != user_id:
        client.chat_postMessage(channel=user_id, text="I could not share that report: it is no longer there.")
        return
    report = talk.report(record)
    lead = f"<@{user_id}> shared this partnership advice."
    try:
        for message in report_messages(report, interview_id=None, with_buttons=False, lead=lead):
            client.chat_postMessage(channel=channel, unfurl_links=False, **message.as_kwargs())
    except SlackApiError as exc:
        client.chat_postMessage(channel=user_id, text=f"I could not share the report to <#{channel}>: "
                                                      f"{describe_api_error(exc)}")
        return
    client.chat_postMessage(channel=user_id, text=f"Shared the report to <#{channel}>.")
