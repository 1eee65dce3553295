"""Shared building blocks and Slack's size limits.

Text longer than a section allows is split across sections at line or word boundaries, and block
lists longer than a message allows are split into pages: nothing is ever cut off silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_OPTION_TEXT = 75
MAX_FALLBACK_TEXT = 3000  # notifications show only the start; keep the top-level text short

BlockDict = dict[str, Any]


class BlockLimitError(ValueError):
    """A builder produced something Slack would reject; a bug in the builder, never user input."""


@dataclass
class Message:
    """One Slack message: fallback `text` for notifications and screen readers, plus its blocks."""

    text: str
    blocks: list[BlockDict] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_message_blocks(self.blocks)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": fallback(self.text), "blocks": self.blocks}


def check_message_blocks(blocks: Sequence[BlockDict]) -> None:
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise BlockLimitError(f"{len(blocks)} blocks in one message; Slack allows {MAX_MESSAGE_BLOCKS}")
    for block in blocks:
        text = (block.get("text") or {}).get("text", "") if block.get("type") == "section" else ""
        if len(text) > MAX_SECTION_TEXT:
            raise BlockLimitError(f"a section of {len(text)} characters; Slack allows {MAX_SECTION_TEXT}")


def check_view_blocks(blocks: Sequence[BlockDict]) -> None:
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise BlockLimitError(f"{len(blocks)} blocks in one view; Slack allows {MAX_VIEW_BLOCKS}")


def fallback(text: str) -> str:
    """Top-level `text` is only a notification preview; shorten it visibly, with an ellipsis."""
    return text if len(text) <= MAX_FALLBACK_TEXT else text[: MAX_FALLBACK_TEXT - 1].rstrip() + "…"


def label(text: str, limit: int = MAX_BUTTON_TEXT) -> str:
    """A button or option label; a long name is shortened with a visible ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Chunks of at most `limit` characters, broken at paragraph, then line, then word boundaries."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut < limit // 3:
            cut = limit  # one enormous word: break it, the remainder follows in the next chunk
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ") if cut < len(rest) else ""
    if rest:
        chunks.append(rest)
    return [chunk for chunk in chunks if chunk]


def sections(text: str, *, block_id: str | None = None) -> list[BlockDict]:
    """One or more mrkdwn sections holding all of `text`."""
    parts = split_text(text)
    return [
        SectionBlock(
            text=MarkdownTextObject(text=part),
            block_id=(block_id if index == 0 else f"{block_id}_{index}") if block_id else None,
        ).to_dict()
        for index, part in enumerate(parts)
    ]


def section_with_button(text: str, button: ButtonElement) -> BlockDict:
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=button).to_dict()


def header(text: str) -> BlockDict:
    return HeaderBlock(text=PlainTextObject(text=label(text, MAX_HEADER_TEXT), emoji=True)).to_dict()


def context(*texts: str) -> BlockDict:
    elements = [MarkdownTextObject(text=t) for t in texts if t][:MAX_CONTEXT_ELEMENTS]
    return ContextBlock(elements=elements).to_dict()


def divider() -> BlockDict:
    return DividerBlock().to_dict()


def button(text: str, action_id: str, value: str = "", *, style: str | None = None) -> ButtonElement:
    if len(value) > MAX_BUTTON_VALUE:
        raise BlockLimitError(f"button value of {len(value)} characters; Slack allows {MAX_BUTTON_VALUE}")
    return ButtonElement(text=PlainTextObject(text=label(text), emoji=True), action_id=action_id,
                         value=value or None, style=style)


def actions(buttons: Iterable[ButtonElement], *, block_id: str | None = None) -> list[BlockDict]:
    """Buttons in rows of at most 25 (Slack's limit per actions block)."""
    items = list(buttons)
    rows = [items[i : i + MAX_ACTIONS_ELEMENTS] for i in range(0, len(items), MAX_ACTIONS_ELEMENTS)]
    return [
        ActionsBlock(
            elements=row, block_id=(block_id if index == 0 else f"{block_id}_{index}") if block_id else None
        ).to_dict()
        for index, row in enumerate(rows)
    ]


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def paginate(blocks: Sequence[BlockDict], *, limit: int = MAX_MESSAGE_BLOCKS) -> list[list[BlockDict]]:
    """Split a long block list into messages, preferring to break before a header or divider."""
    pages: list[list[BlockDict]] = []
    current: list[BlockDict] = []
    for block in blocks:
        if len(current) == limit:
            breaks = [i for i, b in enumerate(current) if b.get("type") in {"header", "divider"} and i > 0]
            cut = breaks[-1] if breaks and breaks[-1] > limit // 2 else limit
            pages.append(current[:cut])
            current = current[cut:]
        current.append(block)
    if current:
        pages.append(current)
    return pages


def as_dicts(blocks: Iterable[Block | BlockDict]) -> list[BlockDict]:
    return [b.to_dict() if isinstance(b, Block) else b for b in blocks]
