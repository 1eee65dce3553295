"""Typed replies: in a DM with the bot, and in channel threads where an interview is running.

Messages that mention the bot are left to the `app_mention` listener (Slack sends both events for a
mention), edits, joins and other bots' messages are ignored, and so are the bot's own (Bolt drops those).

Bolt acknowledges an event as soon as its listener starts, so a typed answer is stored earlier, by
`take_typed_answer`, a listener middleware that runs before that acknowledgement: an answer Slack was
told we received is already in the database.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.blocks.interview import help_message
from bot.slack.conversation import Conversation, Place, Stepped
from bot.slack.escape import plain_text_from_slack
from bot.slack.middleware import is_ignorable
from bot.storage.interviews import InterviewRecord

MIN_SEED_WORDS = 6  # a DM this long, with no interview running, reads as a description to start from
TYPED_STEP = "partnerbot_typed_step"  # context key: (record, stored step) handed from the middleware


def mentions(event: dict[str, Any], bot_user_id: str | None) -> bool:
    return bool(bot_user_id) and f"<@{bot_user_id}" in (event.get("text") or "")


def answered_interview(talk: Conversation, event: dict[str, Any]) -> InterviewRecord | None:
    """The open interview a typed message answers: the sender's DM interview, or the thread's, if theirs."""
    user_id = event["user"]
    if event.get("channel_type") == "im":
        return talk.repo.latest_open(talk.team_id, user_id, "dm")
    record = talk.repo.find_by_thread(talk.team_id, event["channel"], event["thread_ts"])
    return record if record is not None and record.status == "open" and record.user_id == user_id else None


def take_typed_answer(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Before the acknowledgement (see `before_ack`): store the step a typed reply makes."""
    if is_ignorable(event) or mentions(event, context.bot_user_id):
        return
    talk = Conversation.of(context, client)
    record = answered_interview(talk, event)
    if record is not None:
        text = plain_text_from_slack(event.get("text") or "").strip()
        context[TYPED_STEP] = (record, talk.take_typed(record, text))


def handle_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if is_ignorable(event) or mentions(event, context.bot_user_id):
        return
    talk = Conversation.of(context, client)
    user_id = event["user"]
    text = plain_text_from_slack(event.get("text") or "").strip()
    taken: tuple[InterviewRecord, Stepped | None] | None = context.get(TYPED_STEP)
    if taken is not None:
        record, stepped = taken
        talk.typed(record, user_id, text, taken=stepped)
        return
    if event.get("channel_type") == "im":
        record = talk.repo.latest_open(talk.team_id, user_id, "dm")
        if record is not None:
            talk.typed(record, user_id, text)
        elif len(text.split()) >= MIN_SEED_WORDS:
            talk.start(user_id=user_id, place=Place(event["channel"]), seed=text)
        else:
            client.chat_postMessage(channel=event["channel"], **help_message().as_kwargs())
        return
    record = talk.repo.find_by_thread(talk.team_id, event["channel"], event["thread_ts"])
    if record is not None and record.status == "open" and record.user_id == user_id:
        talk.typed(record, user_id, text)
