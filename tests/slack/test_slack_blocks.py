"""Block Kit building blocks: Slack's limits are kept by splitting, never by cutting text off."""

from __future__ import annotations

import pytest

from bot.slack.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    BlockLimitError,
    Message,
    button,
    paginate,
    sections,
    split_text,
)
from bot.slack.escape import escape_mrkdwn, plain_text_from_slack, quote


def test_long_text_is_split_at_line_boundaries_and_nothing_is_lost() -> None:
    lines = [f"line {i}: " + "word " * 30 for i in range(60)]
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= MAX_SECTION_TEXT for part in parts)
    assert "\n".join(parts).split() == text.split()
    assert all(part.startswith("line ") for part in parts), "each chunk starts at a line boundary"


def test_one_enormous_word_is_still_split_without_loss() -> None:
    text = "x" * (MAX_SECTION_TEXT * 2 + 10)
    parts = split_text(text)
    assert "".join(parts) == text and all(len(p) <= MAX_SECTION_TEXT for p in parts)


def test_sections_hold_all_of_a_long_text() -> None:
    text = "\n".join("• " + "risk " * 40 for _ in range(40))
    blocks = sections(text)
    assert len(blocks) > 1 and all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in blocks)


def test_pagination_keeps_every_block_and_respects_the_message_limit() -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"b{i}"}} for i in range(123)]
    pages = paginate(blocks)
    assert [b for page in pages for b in page] == blocks
    assert all(len(page) <= MAX_MESSAGE_BLOCKS for page in pages)


def test_pagination_prefers_to_break_before_a_header() -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"b{i}"}} for i in range(45)]
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Next part"}})
    blocks.extend({"type": "section", "text": {"type": "mrkdwn", "text": f"c{i}"}} for i in range(10))
    pages = paginate(blocks)
    assert pages[1][0]["type"] == "header"


def test_a_message_with_too_many_blocks_is_refused() -> None:
    with pytest.raises(BlockLimitError):
        Message(text="x", blocks=[{"type": "divider"}] * (MAX_MESSAGE_BLOCKS + 1))


def test_button_labels_are_shortened_visibly() -> None:
    element = button("a" * 100, "act", "v").to_dict()
    assert len(element["text"]["text"]) <= 75 and element["text"]["text"].endswith("…")


@pytest.mark.parametrize(
    ("typed", "forbidden"),
    [
        ("<!channel> look", "<!channel>"),
        ("<!here>", "<!here>"),
        ("<!everyone>", "<!everyone>"),
        ("<https://evil.example|Your bank>", "<https://evil.example|"),
        ("<@U0BOSS> approve this", "<@U0BOSS>"),
    ],
)
def test_what_slack_delivers_cannot_become_a_ping_or_link_when_echoed(typed: str, forbidden: str) -> None:
    echoed = escape_mrkdwn(plain_text_from_slack(typed))
    assert forbidden not in echoed
    assert "<" not in echoed and ">" not in echoed


def test_bare_broadcast_words_are_defused() -> None:
    assert escape_mrkdwn("ping @here and @channel") == "ping @\u2060here and @\u2060channel"


def test_entities_round_trip_to_what_the_person_typed() -> None:
    assert plain_text_from_slack("R&amp;D &lt;50k&gt;") == "R&D <50k>"
    assert escape_mrkdwn("R&D <50k>") == "R&amp;D &lt;50k&gt;"
    assert plain_text_from_slack("see <https://example.org|the plan>") == "see the plan (https://example.org)"


def test_quote_escapes_and_quotes_every_line() -> None:
    assert quote("a <b>\nc") == "> a &lt;b&gt;\n> c"


def test_a_report_too_big_for_one_message_is_paginated_without_losing_anything() -> None:
    from bot.advice.models import (
        AdviceReport,
        Citation,
        Decision,
        DecisionStatus,
        Evidence,
        LessonNote,
        RiskItem,
        StrengthItem,
        UnknownItem,
    )
    from bot.slack.blocks.report import report_messages
    from bot.slack.ids import Action

    long_summary = " ".join(f"risk-detail-{i}" for i in range(1200))  # ~16,000 characters: six sections
    evidence = [Evidence(question_id="q", question="A question?", answer="An answer", source="answer")]
    risks = [
        RiskItem(id=f"risk-{n}", name=f"Risk number {n}", summary=long_summary, score=0.9, level="serious",
                 evidence=evidence, what_to_do=["Do one thing.", "Do another."], sources=["wilder"],
                 lesson=LessonNote(id=f"l{n}", title="A lesson", what_happened="Things happened. " * 50,
                                   lesson="Learn this."))
        for n in range(5)
    ]
    strengths = [StrengthItem(id=f"s{n}", name=f"Strength {n}", summary="Good. " * 300, score=0.8,
                              evidence=evidence, how_to_use=["Use it."]) for n in range(3)]
    unknowns = [UnknownItem(question_id=f"u{n}", question=f"Unknown question {n}?", status="skipped",
                            factors=["x"], ask=["Ask this? " * 40]) for n in range(12)]
    report = AdviceReport(
        description="Our idea. " * 100, sectors=["nonprofit"], risks=risks, strengths=strengths, unknowns=unknowns,
        decision=Decision(status=DecisionStatus.reconsider, label="Reconsider", reason="Many risks.",
                          confidence="low", confidence_reason="few answers"),
        sources=[Citation(key=f"k{n}", text="A source. " * 30) for n in range(8)],
    )
    messages = report_messages(report, interview_id=7)
    assert len(messages) > 1
    every = [block for message in messages for block in message.blocks]
    for message in messages:
        assert len(message.blocks) <= MAX_MESSAGE_BLOCKS
    for block in every:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
    text = " ".join(b["text"]["text"] for b in every if b["type"] == "section")
    assert text.count("risk-detail-1199") == 5, "every long summary arrives whole"
    assert all(f"Unknown question {n}?" in text for n in range(12))
    buttons = [e["action_id"] for m in messages for b in m.blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [Action.share_report, Action.log_outcome]
    assert messages[-1].blocks[-1]["type"] == "actions", "the buttons close the last message"
    assert "part 1 of" in messages[0].text
