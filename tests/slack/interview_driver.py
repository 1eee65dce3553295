"""Reading the fake Web API's record the way a person reads the conversation, and answering."""

from __future__ import annotations

from fake_slack_api import Call, FakeSlackAPI
from slack_harness import SlackHarness

from bot.slack.ids import Action

ALICE = "U0ALICE01"


def posts(fake: FakeSlackAPI) -> list[Call]:
    return fake.calls_to("chat.postMessage")


def questions(fake: FakeSlackAPI) -> list[Call]:
    """Posted interview questions (their fallback text starts with the progress line)."""
    return [c for c in posts(fake) if str(c.params.get("text", "")).startswith("Question ")]


def current_question(fake: FakeSlackAPI) -> Call:
    found = questions(fake)
    assert found, f"no question posted; calls were {fake.methods()}"
    return found[-1]


def action_ids(call: Call) -> list[str]:
    return [e["action_id"] for b in call.blocks() if b["type"] == "actions" for e in b["elements"]]


def option_values(call: Call) -> list[str]:
    import json

    values = []
    for block in call.blocks():
        for element in block.get("elements") or []:
            if str(element.get("action_id", "")).startswith(Action.answer_choice):
                values.append(json.loads(element["value"])["a"])
    return values


def reports(fake: FakeSlackAPI) -> list[Call]:
    return [c for c in posts(fake) if "Partnership advice" in str(c.params.get("text", ""))]


def answer_current(slack: SlackHarness, fake: FakeSlackAPI, *, user: str = ALICE, dm: bool = True,
                   thread: tuple[str, str] | None = None, text: str = "Nobody has time for it and the money ends in June.") -> Call:
    """Answer whatever the current question is, the way its buttons invite; returns the question answered."""
    import slack_payloads as payloads

    question = current_question(fake)
    ids = action_ids(question)
    if any(i.startswith(Action.answer_choice) for i in ids):
        values = option_values(question)
        slack.click(question, Action.answer_choice, value=values[min(1, len(values) - 1)], user=user)
    elif Action.answer_submit_multi in ids:
        from slack_harness import find_element

        element, _ = find_element(question.blocks(), Action.answer_multi, None)
        slack.choose_and_continue(question, Action.answer_multi, Action.answer_submit_multi,
                                  [element["options"][0]["value"]], user=user)
    elif dm:
        slack.dm(text, user=user)
    else:
        assert thread is not None
        channel, thread_ts = thread
        slack.event(payloads.message_event(text, user=user, channel=channel, channel_type="channel",
                                           thread_ts=thread_ts))
    return question
