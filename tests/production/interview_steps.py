"""Answering interview questions one acknowledged step at a time, and reading back what was stored."""

from __future__ import annotations

import json
from typing import Any

from fake_slack_api import TEAM_ID, Call, FakeSlackAPI
from interview_driver import ALICE, action_ids, option_values, questions
from slack_harness import SlackHarness, find_element

from bot.slack.ids import Action
from bot.storage.db import open_database
from bot.storage.interviews import InterviewRecord, InterviewRepository

IDEA = ("We want to partner with a pharma company on diabetes screening in rural clinics, but they want "
        "exclusive rights to the patient data and our board has not signed off yet.")


def token_of(question: Call) -> dict[str, Any]:
    """The step token every interview button carries: interview id `i`, question id `q`, position `p`."""
    for block in question.blocks():
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            try:
                data = json.loads(element.get("value") or "")
            except ValueError:
                continue
            if isinstance(data, dict) and "q" in data:
                return data
    raise AssertionError(f"no step token in {question.params.get('text')!r}")


def answer(slack: SlackHarness, question: Call, *, text: str = IDEA, user: str = ALICE) -> Any:
    """Answer `question` the way its buttons invite (a typed reply for a text question); returns the ack."""
    ids = action_ids(question)
    if any(i.startswith(Action.answer_choice) for i in ids):
        values = option_values(question)
        return slack.click(question, Action.answer_choice, value=values[min(1, len(values) - 1)], user=user)
    if Action.answer_submit_multi in ids:
        element, block_id = find_element(question.blocks(), Action.answer_multi, None)
        chosen = [element["options"][0]]
        state = {block_id: {Action.answer_multi.value: {"type": element["type"], "selected_options": chosen}}}
        return slack.click(question, Action.answer_submit_multi, user=user, state_values=state)
    return slack.dm(text, user=user)


def next_question(fake: FakeSlackAPI, seen: int) -> Call | None:
    """The newest posted question once more than `seen` have been posted."""
    posted = questions(fake)
    return posted[-1] if len(posted) > seen else None


def open_interview(database_url: str, user: str = ALICE) -> InterviewRecord:
    db = open_database(database_url, migrate=False)
    try:
        record = InterviewRepository(db).latest_open(TEAM_ID, user, "dm")
    finally:
        db.dispose()
    assert record is not None, f"{user} has no open interview"
    return record


def stored(database_url: str, interview_id: int) -> InterviewRecord:
    db = open_database(database_url, migrate=False)
    try:
        record = InterviewRepository(db).get(TEAM_ID, interview_id)
    finally:
        db.dispose()
    assert record is not None, f"interview {interview_id} is not stored"
    return record


def steps_taken(record: InterviewRecord) -> int:
    """Every acknowledged step lands once: as an answered question or as a declined confirmation."""
    return len(record.state["history"]) + len(record.state["declined"])
