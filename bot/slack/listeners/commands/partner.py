"""`/partner [resume | restart | help | description]`: the interview, always carried on in a DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.blocks.interview import help_message
from bot.slack.conversation import Conversation, Place
from bot.slack.escape import plain_text_from_slack

SUBCOMMANDS = {"", "start", "resume", "restart", "help"}


def handle_partner_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient,
                           context: BoltContext) -> None:
    ack()
    text = plain_text_from_slack(command.get("text") or "").strip()
    word = text.lower()
    if word == "help":
        respond(response_type="ephemeral", **help_message().as_kwargs())
        return
    user_id = command["user_id"]
    talk = Conversation.of(context, client)
    dm = talk.open_dm(user_id)

    if word == "resume":
        record = talk.latest_open(user_id)
        if record is None:
            respond(response_type="ephemeral", text="You have no interview in progress. `/partner` starts one.")
            return
        talk.show_current(record, intro="Picking up where you left off.", again=True)
        where = "our DM" if record.channel_id == dm else "its thread"
    elif word == "restart":
        record = talk.repo.latest_open(talk.team_id, user_id, "dm")
        if record is not None:
            talk.restart(record)
        else:
            talk.start(user_id=user_id, place=Place(dm))
        where = "our DM"
    elif word in {"", "start"}:
        record = talk.repo.latest_open(talk.team_id, user_id, "dm")
        if record is not None:
            talk.show_current(record, again=True, intro=(
                "You have an interview in progress, so here is where you left off. "
                "`/partner restart` starts over."))
        else:
            talk.start(user_id=user_id, place=Place(dm))
        where = "our DM"
    else:
        talk.start(user_id=user_id, place=Place(dm), seed=text)
        where = "our DM"

    if command.get("channel_id") != dm:
        respond(response_type="ephemeral", text=f"I've posted the interview in {where}.")
