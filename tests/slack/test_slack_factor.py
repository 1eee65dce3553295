"""`/factor`: a card for a clear match, a choice when several match, a helpful reply when none does."""

from __future__ import annotations

import json

from fake_slack_api import FakeSlackAPI
from slack_harness import SlackHarness

from bot.kb.loader import KnowledgeBase
from bot.slack.ids import Action


def reply(fake: FakeSlackAPI, hook: str):
    calls = fake.calls_to(f"response_url:{hook}")
    assert calls, f"no reply on {hook}; calls were {fake.methods()}"
    return calls[-1]


def buttons(call) -> list[dict]:
    return [e for b in call.blocks() if b["type"] == "actions" for e in b["elements"]]


def test_a_clear_match_gets_a_private_factor_card_with_a_lessons_button(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                                         kb: KnowledgeBase) -> None:
    response = slack.command("/factor", "funding", hook="f1")
    assert response.status == 200
    card = reply(fake_slack, "f1")
    assert card.params["response_type"] == "ephemeral"
    factor = kb.factors["insufficient-funding"]
    assert card.blocks()[0] == {"type": "header", "text": {"type": "plain_text", "text": factor.name, "emoji": True}}
    assert factor.summary in card.text_everywhere()
    assert factor.what_to_do[0] in card.text_everywhere()
    lessons = [b for b in buttons(card) if b["action_id"] == Action.factor_lessons]
    assert lessons and lessons[0]["value"] == "insufficient-funding"
    assert card.params["text"], "a notification fallback accompanies the blocks"
    assert fake_slack.methods() == ["response_url:f1"], "nothing is posted publicly"


def test_the_lessons_button_shows_the_factors_lessons(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                      kb: KnowledgeBase) -> None:
    slack.command("/factor", "turnover", hook="f2")
    card = reply(fake_slack, "f2")
    slack.click(card, Action.factor_lessons, hook="f2-lessons")
    shown = reply(fake_slack, "f2-lessons")
    assert shown.params["replace_original"] is False
    expected = kb.lessons_for("champion-turnover")
    assert expected
    for lesson in expected:
        assert json.dumps(lesson.title)[1:-1] in shown.text_everywhere()
    assert "illustrative composite" in shown.text_everywhere()


def test_an_ambiguous_query_offers_buttons_and_a_click_replaces_them_with_the_card(
    slack: SlackHarness, fake_slack: FakeSlackAPI, kb: KnowledgeBase
) -> None:
    slack.command("/factor", "conflict", hook="f3")
    choice = reply(fake_slack, "f3")
    offered = {b["value"] for b in buttons(choice) if b["action_id"].startswith(Action.factor_choose)}
    assert {"conflict-of-interest", "conflict-resolution"} <= offered

    slack.click(choice, Action.factor_choose, value="conflict-resolution", hook="f3-pick")
    card = reply(fake_slack, "f3-pick")
    assert card.params["replace_original"] is True
    assert card.blocks()[0]["text"]["text"] == kb.factors["conflict-resolution"].name


def test_no_match_explains_and_lists_what_can_be_looked_up(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                           kb: KnowledgeBase) -> None:
    slack.command("/factor", "xyzzy qqq", hook="f4")
    miss = reply(fake_slack, "f4")
    text = miss.text_everywhere()
    assert "No factor matches" in text and "xyzzy qqq" in text
    for factor in kb.factors.values():
        assert factor.name.replace("&", "&amp;") in text


def test_an_empty_query_says_how_to_use_the_command(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    slack.command("/factor", "   ", hook="f5")
    assert "Type a factor to look up" in reply(fake_slack, "f5").text_everywhere()


def test_the_query_is_echoed_without_pings_or_links(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    # Slack delivers "@channel" as <!channel>, links as <url|label> and a typed "<b>" as &lt;b&gt;
    slack.command("/factor", "<!channel> <https://evil.example|your bank> zzqqxx &lt;b&gt;", hook="f6")
    text = reply(fake_slack, "f6").text_everywhere()
    assert "<!channel>" not in text and "<https://evil.example|" not in text
    assert "@\\u2060channel" in text  # the word is defused with a zero-width joiner (JSON-escaped here)
    assert "&lt;b&gt;" in text and "<b>" not in text


def test_every_factor_card_fits_slacks_limits(kb: KnowledgeBase) -> None:
    from bot.kb.lookup import factor_card
    from bot.slack.blocks.common import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
    from bot.slack.blocks.factor import factor_card as card_blocks
    from bot.slack.blocks.factor import lessons_messages

    for factor in kb.factors.values():
        for message in [card_blocks(factor_card(factor, kb)), *lessons_messages(factor, kb.lessons_for(factor.id), kb)]:
            assert 0 < len(message.blocks) <= MAX_MESSAGE_BLOCKS
            for block in message.blocks:
                if block["type"] == "section":
                    assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
