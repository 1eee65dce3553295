"""Make user text safe to echo back in mrkdwn.

Slack reads `<...>` as links, user and channel mentions and `<!channel>` / `<!here>` broadcasts, and
`&` starts an entity. Escaping those three characters (Slack's own rule) turns anything a user typed
into plain text. Bare `@channel` / `@here` / `@everyone` are also defused with a zero-width joiner, so
the words cannot become broadcasts even if a message is later sent with `link_names`.
"""

from __future__ import annotations

import re

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_ZERO_WIDTH_JOINER = "\u2060"


def escape_mrkdwn(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _ZERO_WIDTH_JOINER + m.group(1), escaped)


def quote(text: str) -> str:
    """User text as an escaped mrkdwn block quote, one `>` per line."""
    return "\n".join("> " + line if line else ">" for line in escape_mrkdwn(text).splitlines() or [""])


_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def plain_text_from_slack(text: str) -> str:
    """What a person wrote, from the encoded form Slack delivers in events and commands.

    Slack sends `&`, `<`, `>` as entities and wraps mentions, channels and links in `<...>`. Those become
    readable plain text (`@name`, `#channel`, `label (url)`), which is what matching and echoing need;
    echoing goes through `escape_mrkdwn` afterwards, so nothing here can turn back into a ping or link.
    """

    def readable(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, shown = inner.partition("|")
        if target.startswith("@"):
            return "@" + (shown or target[1:])
        if target.startswith("#"):
            return "#" + (shown or target[1:])
        if target.startswith("!subteam^"):
            return shown or "@group"
        if target.startswith("!"):
            return "@" + (shown.lstrip("@") or target[1:].split("^")[0])
        return f"{shown} ({target})" if shown and shown != target else target

    plain = _SLACK_TOKEN.sub(readable, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
