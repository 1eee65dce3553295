"""Mentioning the bot in a channel starts an interview in that thread, seeded with what was said;
inside a thread where an interview runs, a mention is simply the next answer."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.conversation import Conversation, Place
from bot.slack.escape import plain_text_from_slack


def without_mention(text: str, bot_user_id: str | None) -> str:
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return plain_text_from_slack(text).strip()


def handle_app_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("bot_id") or not event.get("user"):
        return
    talk = Conversation.of(context, client)
    user_id, channel = event["user"], event["channel"]
    text = without_mention(event.get("text") or "", context.bot_user_id)
    thread_ts = event.get("thread_ts")
    if thread_ts:
        record = talk.repo.find_by_thread(talk.team_id, channel, thread_ts)
        if record is not None and record.status == "open":
            if record.user_id == user_id:
                talk.typed(record, user_id, text)
            else:
                client.chat_postEphemeral(
                    channel=channel, user=user_id, thread_ts=thread_ts,
                    text=f"This thread's interview belongs to <@{record.user_id}>. "
                         "Mention me in the channel (outside this thread) to start your own.")
            return
    talk.start(user_id=user_id, place=Place(channel, thread_ts or event["ts"]), seed=text or None)
