"""Buttons on interview questions: an option, Continue after a multi-select, Back, Skip, Don't know,
Finish now, and Resume (from App Home).

A click is honoured only by the interview's owner and only while its question is still the current
one; anything else gets a private note and changes nothing. A click's step is stored by `take_click`,
a listener middleware, and only then acknowledged, so a process that dies after the acknowledgement
has lost nothing; `handle_click` then does the Slack side on the listener pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.blocks.interview import StepToken
from bot.slack.conversation import Conversation, StepKind, Stepped
from bot.slack.ids import Action, Block
from bot.slack.middleware import UserFacingError

NAVIGATION: dict[str, StepKind] = {
    Action.back.value: "back",
    Action.skip.value: "skip",
    Action.dont_know.value: "dont_know",
    Action.finish.value: "finish",
}


CLICK = "partnerbot_click"  # context key: what the click did, handed from the middleware to the listener


@dataclass(frozen=True)
class Click:
    """What an interview click came to: a stored step, or a note for the person who clicked."""

    stepped: Stepped | None = None
    note: str | None = None


def take_click(body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Before the acknowledgement (see `before_ack`): store the step a click makes, or decide the note."""
    action_id = str(action.get("action_id", ""))
    kind: StepKind = NAVIGATION.get(action_id, "answer")
    value: object = None
    if action_id == Action.answer_submit_multi.value:
        chosen = (((body.get("state") or {}).get("values") or {}).get(Block.multi_select.value) or {}).get(
            Action.answer_multi.value) or {}
        value = [option["value"] for option in chosen.get("selected_options") or []]
        if not value:
            context[CLICK] = Click(note="Choose at least one option in the menu, then press Continue.")
            return
    parsed = StepToken.parse(action.get("value"))
    if parsed is None:
        raise UserFacingError("That button is from an older version of this app; `/partner resume` shows the "
                              "current question.")
    token, answer = parsed
    talk = Conversation.of(context, client)
    record = talk.repo.get(talk.team_id, token.interview_id)
    if record is None:
        raise UserFacingError("That interview no longer exists. `/partner` starts a new one.")
    if record.user_id != body["user"]["id"]:
        context[CLICK] = Click(note=f"This interview belongs to <@{record.user_id}>; only they can answer it. "
                                    "`/partner` starts your own.")
        return
    context[CLICK] = Click(stepped=talk.step(record, kind, value if value is not None else answer, expected=token))


def handle_click(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    """After the acknowledgement: the answered question loses its buttons and the next one is posted."""
    ack()
    click: Click = context[CLICK]
    if click.note is not None:
        private(respond, click.note)
    elif click.stepped is not None:
        _report(click.stepped, body, respond, Conversation.of(context, client))


def handle_multi_select(ack: Ack) -> None:
    """Picking options only changes the menu; the answer is taken when Continue is pressed."""
    ack()


def _report(stepped: Stepped, body: dict[str, Any], respond: Respond, talk: Conversation) -> None:
    if stepped.status == "advanced":
        container = body.get("container") or {}
        where = (str(container.get("channel_id")), str(container.get("message_ts")))
        talk.follow_up(stepped, answered_at=where if container.get("message_ts") else None,
                       previous=stepped.record if not container.get("message_ts") else None)
    elif stepped.status == "refused":
        private(respond, stepped.message or "I could not take that answer.")
    elif stepped.status == "stale":
        private(respond, "That question was already answered; the current one is further down.")
    else:
        private(respond, "This interview is already finished. `/partner` starts a new one.")


def handle_resume(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                  context: BoltContext) -> None:
    """Resume from App Home: the current question is posted again where the interview lives."""
    ack()
    talk = Conversation.of(context, client)
    try:
        interview_id = int(action.get("value") or "")
    except ValueError:
        raise UserFacingError("That button no longer points at an interview.") from None
    record = talk.repo.get(talk.team_id, interview_id)
    if record is None or record.user_id != body["user"]["id"]:
        raise UserFacingError("That interview no longer exists. `/partner` starts a new one.")
    talk.show_current(record, intro="Picking up where you left off.", again=True)


def handle_start(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Start from App Home: a new interview in the DM."""
    ack()
    from bot.slack.conversation import Place

    talk = Conversation.of(context, client)
    user_id = body["user"]["id"]
    talk.start(user_id=user_id, place=Place(talk.open_dm(user_id)))


def private(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", replace_original=False, text=text)
