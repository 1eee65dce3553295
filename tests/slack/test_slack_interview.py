"""The interview in Slack, end to end through Bolt: /partner to the report in a DM, the thread flow
started by a mention, Back / Skip / Don't know, and answers that can only be given once."""

from __future__ import annotations

import slack_payloads as payloads
from fake_slack_api import BOT_USER_ID, FakeSlackAPI
from interview_driver import (
    ALICE,
    action_ids,
    answer_current,
    current_question,
    option_values,
    posts,
    questions,
    reports,
)
from slack_harness import SlackHarness

from bot.slack.blocks.common import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from bot.slack.ids import Action
from bot.storage.advice import AdviceRepository
from bot.storage.interviews import InterviewRepository

TEAM = "T0TEAM001"
DM = "D0ALICE01"
IDEA = ("We want to partner with a pharma company on diabetes screening in rural clinics, but they want "
        "exclusive rights to the patient data and our board has not signed off yet.")


def stored(slack_db, user: str = ALICE, surface: str | None = "dm"):
    return InterviewRepository(slack_db).latest_open(TEAM, user, surface)


def check_limits(call) -> None:
    blocks = call.blocks()
    assert 0 < len(blocks) <= MAX_MESSAGE_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT


def test_a_whole_dm_interview_from_partner_to_the_report(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                         slack_db) -> None:
    response = slack.command("/partner", "", channel="C0PARTNER1", hook="start")
    assert response.status == 200
    assert fake_slack.last("conversations.open").params["users"] == ALICE
    first = current_question(fake_slack)
    assert first.params["channel"] == DM
    assert "Let's think this partnership through" in first.text_everywhere()
    assert "DM" in fake_slack.last("response_url:start").params["text"]

    slack.dm(IDEA)
    record = stored(slack_db)
    assert record.state["answers"]["purpose"]["value"] == IDEA
    retired = fake_slack.last("chat.update")
    assert retired.params["ts"] == first.response["ts"], "the answered question was replaced"
    assert "actions" not in [b["type"] for b in retired.blocks()], "no buttons remain on it"

    answered = 0
    while not reports(fake_slack):
        before = len(questions(fake_slack))
        answer_current(slack, fake_slack)
        answered += 1
        assert answered < 40, "the interview never ended"
        assert len(questions(fake_slack)) in (before, before + 1)

    for call in posts(fake_slack):
        check_limits(call)
    report = reports(fake_slack)
    text = " ".join(call.text_everywhere() for call in report)
    assert "Suggested decision" in text and "Top risks" in text
    last_ids = action_ids(report[-1])
    assert Action.share_report in last_ids and Action.log_outcome in last_ids

    repo = InterviewRepository(slack_db)
    assert repo.latest_open(TEAM, ALICE) is None
    finished = repo.get(TEAM, record.id)
    assert finished.status == "finished"
    advice = AdviceRepository(slack_db).for_interview(TEAM, record.id)
    assert len(advice) == 1 and advice[0].hits, "the advice given is stored once"


def test_a_double_click_answers_once(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db) -> None:
    slack.command("/partner", IDEA)
    question = current_question(fake_slack)
    assert option_values(question), "the seeded interview moves straight to a choice question"
    value = option_values(question)[0]
    slack.click(question, Action.answer_choice, value=value, hook="first")
    after_first = stored(slack_db)
    slack.click(question, Action.answer_choice, value=option_values(question)[1], hook="second")
    after_second = stored(slack_db)

    assert after_second.version == after_first.version
    assert after_second.state["answers"][after_first.state["history"][-1]]["value"] == value
    assert "already answered" in fake_slack.last("response_url:second").params["text"]
    assert len(questions(fake_slack)) == 2, "one next question, not two"


def test_back_skip_and_dont_know(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db) -> None:
    slack.command("/partner", IDEA)
    while "Skip" not in current_question(fake_slack).text_everywhere():
        answer_current(slack, fake_slack)
    skipped_on = stored(slack_db).state
    question = current_question(fake_slack)
    slack.click(question, Action.skip)
    after_skip = stored(slack_db).state
    skipped_id = after_skip["history"][-1]
    assert after_skip["answers"][skipped_id]["status"] == "skipped"
    assert skipped_id not in skipped_on["answers"]

    slack.click(current_question(fake_slack), Action.back)
    assert skipped_id not in stored(slack_db).state["answers"], "Back reopened the skipped question"
    reopened = current_question(fake_slack)
    assert "Back" in reopened.text_everywhere()

    if Action.dont_know in action_ids(reopened):
        slack.click(reopened, Action.dont_know)
    else:  # a 5-point scale carries "Don't know" among its options
        slack.click(reopened, Action.answer_choice, value="dont-know")
    assert stored(slack_db).state["answers"][skipped_id]["status"] == "dont_know"


def test_typed_words_step_through_the_interview(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db) -> None:
    slack.command("/partner", IDEA)
    slack.dm("2")  # typed option numbers work as well as buttons
    state = stored(slack_db).state
    assert len(state["history"]) == 2
    slack.dm("back")
    assert len(stored(slack_db).state["history"]) == 1
    slack.dm("purple elephants")
    note = fake_slack.last("chat.postEphemeral")
    assert "not one of the options" in note.params["text"]
    assert len(stored(slack_db).state["history"]) == 1


def test_restart_closes_the_old_interview_and_its_buttons(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                          slack_db) -> None:
    slack.command("/partner", IDEA)
    old = stored(slack_db)
    old_question = current_question(fake_slack)
    slack.command("/partner", "restart")
    new = stored(slack_db)
    assert new.id != old.id and InterviewRepository(slack_db).get(TEAM, old.id).status == "abandoned"
    assert any(c.params.get("ts") == old_question.response["ts"] for c in fake_slack.calls_to("chat.update"))

    slack.click(old_question, Action.answer_choice, value=option_values(old_question)[0], hook="old")
    assert "finished" in fake_slack.last("response_url:old").params["text"]
    assert stored(slack_db).id == new.id and stored(slack_db).state["history"] == []


def test_partner_help_and_resume(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    slack.command("/partner", "help", hook="help")
    assert "/partner resume" in fake_slack.last("response_url:help").text_everywhere()
    slack.command("/partner", "resume", hook="nothing")
    assert "no interview in progress" in fake_slack.last("response_url:nothing").params["text"]

    slack.command("/partner", IDEA)
    asked = current_question(fake_slack)
    slack.command("/partner", "resume", hook="resume")
    again = current_question(fake_slack)
    assert again is not asked and again.params["text"] == asked.params["text"]
    assert any(c.params.get("ts") == asked.response["ts"] for c in fake_slack.calls_to("chat.update")), \
        "the earlier copy of the question lost its buttons"


def test_only_the_owner_can_answer(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db) -> None:
    slack.command("/partner", IDEA)
    question = current_question(fake_slack)
    before = stored(slack_db).version
    slack.click(question, Action.answer_choice, value=option_values(question)[0], user="U0BOB0001", hook="bob")
    assert "belongs to <@U0ALICE01>" in fake_slack.last("response_url:bob").params["text"]
    assert stored(slack_db).version == before


def test_a_mention_starts_a_thread_interview_seeded_with_the_description(slack: SlackHarness,
                                                                         fake_slack: FakeSlackAPI, slack_db) -> None:
    mention = payloads.app_mention_event(f"<@{BOT_USER_ID}> {IDEA}", user=ALICE, channel="C0PARTNER1")
    slack.event(mention)
    first = current_question(fake_slack)
    assert first.params["channel"] == "C0PARTNER1" and first.params["thread_ts"] == mention["ts"]
    record = stored(slack_db, surface="thread")
    assert record.thread_ts == mention["ts"] and record.state["answers"]["purpose"]["value"] == IDEA

    # Slack also delivers the mention as a channel message; it must not count as an answer.
    slack.event(payloads.message_event(mention["text"], user=ALICE, channel="C0PARTNER1", channel_type="channel",
                                       ts=mention["ts"]))
    assert stored(slack_db, surface="thread").version == record.version

    thread = ("C0PARTNER1", mention["ts"])
    # Someone else chatting in the thread is not answering.
    slack.event(payloads.message_event("2", user="U0BOB0001", channel="C0PARTNER1", channel_type="channel",
                                       thread_ts=mention["ts"]))
    assert stored(slack_db, surface="thread").version == record.version

    for _ in range(3):
        answer_current(slack, fake_slack, dm=False, thread=thread)
    moved = stored(slack_db, surface="thread")
    assert len(moved.state["history"]) == 4
    for call in questions(fake_slack):
        assert call.params["thread_ts"] == mention["ts"], "everything stays in the thread"

    while not reports(fake_slack):
        answer_current(slack, fake_slack, dm=False, thread=thread)
    assert all(call.params["thread_ts"] == mention["ts"] for call in reports(fake_slack))
    assert InterviewRepository(slack_db).get(TEAM, record.id).status == "finished"


def test_an_empty_mention_asks_for_the_description_as_a_thread_reply(slack: SlackHarness,
                                                                      fake_slack: FakeSlackAPI, slack_db) -> None:
    mention = payloads.app_mention_event(f"<@{BOT_USER_ID}>", user=ALICE, channel="C0PARTNER1")
    slack.event(mention)
    record = stored(slack_db, surface="thread")
    assert record.state["answers"] == {}
    first = current_question(fake_slack)
    assert "Reply in this thread" in first.text_everywhere()

    slack.event(payloads.message_event(IDEA, user=ALICE, channel="C0PARTNER1", channel_type="channel",
                                       thread_ts=mention["ts"]))
    assert stored(slack_db, surface="thread").state["answers"]["purpose"]["value"] == IDEA
    assert fake_slack.last("chat.update").params["ts"] == first.response["ts"]
    assert current_question(fake_slack) is not first

    # Inside the thread a mention is simply the next answer, not a new interview.
    question = current_question(fake_slack)
    slack.event(payloads.app_mention_event(f"<@{BOT_USER_ID}> 1", user=ALICE, channel="C0PARTNER1",
                                           thread_ts=mention["ts"]))
    assert len(stored(slack_db, surface="thread").state["history"]) == 2
    assert question.params["text"] != current_question(fake_slack).params["text"]


def test_the_bot_ignores_its_own_messages_edits_joins_and_other_bots(slack: SlackHarness,
                                                                     fake_slack: FakeSlackAPI) -> None:
    slack.command("/partner", "")
    fake_slack.clear()
    ignored = [
        payloads.message_event("I am the bot", user=BOT_USER_ID, channel=DM, channel_type="im", bot_id="BBOT0001"),
        payloads.message_event("another bot", user="U0OTHERBOT", channel=DM, channel_type="im", bot_id="B0OTHER"),
        payloads.message_event("edited", user=ALICE, channel=DM, channel_type="im", subtype="message_changed"),
        payloads.message_event("<@U0ALICE01> has joined", user=ALICE, channel="C0PARTNER1",
                               channel_type="channel", subtype="channel_join"),
        payloads.message_event("top-level chatter", user=ALICE, channel="C0PARTNER1", channel_type="channel"),
    ]
    for event in ignored:
        assert slack.event(event).status == 200
    assert fake_slack.calls == []


def test_a_short_dm_without_an_interview_gets_help_and_a_long_one_starts(slack: SlackHarness,
                                                                        fake_slack: FakeSlackAPI, slack_db) -> None:
    slack.dm("hi")
    assert "/partner" in fake_slack.last("chat.postMessage").text_everywhere()
    assert stored(slack_db) is None
    slack.dm(IDEA)
    assert stored(slack_db).state["answers"]["purpose"]["value"] == IDEA


def test_text_from_the_user_is_echoed_without_pings_or_links(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                            slack_db) -> None:
    slack.command("/partner", "")
    slack.dm("<!channel> <!here> we partner with <https://evil.example|the ministry> on R&amp;D for &lt;50k")
    summary = fake_slack.last("chat.update").text_everywhere()
    for forbidden in ("<!channel>", "<!here>", "<https://evil.example"):
        assert forbidden not in summary
    assert "R&amp;D" in summary and "&lt;50k" in summary
    assert stored(slack_db).state["answers"]["purpose"]["value"].startswith("@channel @here we partner")
    while not reports(fake_slack):
        answer_current(slack, fake_slack)
    report_text = " ".join(c.text_everywhere() for c in reports(fake_slack))
    assert "<!channel>" not in report_text and "<!here>" not in report_text
    assert "evil.example|" not in report_text
