"""Turn what a person typed or clicked into an option value, or say helpfully why it is not one.

Every front end (terminal, Slack, an answers file) goes through here, so "2", "disagree" and
"Disagree" mean the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.interview.flow import DONT_KNOW, Option, Question, QuestionKind

DONT_KNOW_WORDS = {"?", "dk", "dont know", "don't know", "do not know", "dont-know", "not sure", "unsure", "unknown"}
_SPACES = re.compile(r"\s+")
_NUMBER_LIST = re.compile(r"^\d+([\s,;]+\d+)*$")


class InvalidAnswer(ValueError):
    """The answer does not fit the question; the message says what would."""


def _norm(text: str) -> str:
    text = text.strip().lower().replace("’", "'").strip(" .!")
    return _SPACES.sub(" ", text)


def is_dont_know(raw: object) -> bool:
    return isinstance(raw, str) and _norm(raw) in DONT_KNOW_WORDS


def _match_option(options: Sequence[Option], token: str) -> Option | None:
    key = _norm(token)
    if not key:
        return None
    if key.isdecimal():  # not isdigit: int() cannot read every digit ("፫", "²")
        index = int(key)
        return options[index - 1] if 1 <= index <= len(options) else None
    for option in options:
        if key in (option.value, _norm(option.label), option.value.replace("-", " ")):
            return option
    prefixed = [o for o in options if len(key) >= 2 and (_norm(o.label).startswith(key) or o.value.startswith(key))]
    return prefixed[0] if len(prefixed) == 1 else None


def _choice_hint(options: Sequence[Option]) -> str:
    return f"a number from 1 to {len(options)}" if len(options) > 1 else "1"


def parse_single(question: Question, raw: object) -> str:
    options = question.choices
    token = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    if token is None or not token.strip():
        raise InvalidAnswer(f"Please choose one option: type {_choice_hint(options)}, or the option's name.")
    option = _match_option(options, token)
    if option is None:
        raise InvalidAnswer(
            f"'{token.strip()[:60]}' is not one of the options. Type {_choice_hint(options)}, or the option's name."
        )
    return option.value


def _split_multi(raw: object) -> list[str]:
    if isinstance(raw, (list, tuple)):
        return [str(item) for item in raw]
    if isinstance(raw, int) and not isinstance(raw, bool):
        return [str(raw)]
    if not isinstance(raw, str):
        return []
    text = raw.strip()
    if _NUMBER_LIST.match(text):
        return re.split(r"[\s,;]+", text)
    return [part for part in re.split(r"[,;\n]", text) if part.strip()]


def parse_multi(question: Question, raw: object) -> list[str]:
    options = question.choices
    tokens = _split_multi(raw)
    if not tokens:
        raise InvalidAnswer(
            f"Please choose at least one option: type {_choice_hint(options)}, several separated by commas."
        )
    chosen: list[str] = []
    for token in tokens:
        option = _match_option(options, token)
        if option is None:
            raise InvalidAnswer(
                f"'{token.strip()[:60]}' is not one of the options. Type {_choice_hint(options)},"
                " several separated by commas."
            )
        if option.value not in chosen:
            chosen.append(option.value)
    exclusive = [value for value in chosen if value in question.exclusive]
    if exclusive and len(chosen) > 1:
        label = question.label_for(exclusive[0])
        raise InvalidAnswer(f"'{label}' cannot be combined with other options; choose it on its own.")
    return chosen


def parse_text(question: Question, raw: object, max_chars: int) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise InvalidAnswer("Please type an answer in a sentence or two (or 'skip' to leave it out).")
    if len(text) > max_chars:
        raise InvalidAnswer(f"That is {len(text)} characters; please keep it under {max_chars}.")
    return text


def parse_answer(question: Question, raw: object, max_chars: int) -> str | list[str]:
    if question.kind is QuestionKind.text:
        return parse_text(question, raw, max_chars)
    if question.kind is QuestionKind.multi:
        return parse_multi(question, raw)
    return parse_single(question, raw)


YES_WORDS = {"y", "yes", "yep", "yeah", "right", "correct", "that's right", "true", "1"}
NO_WORDS = {"n", "no", "nope", "not really", "wrong", "false", "2"}


def parse_confirmation(raw: object) -> str:
    """'yes', 'no' or DONT_KNOW."""
    key = _norm(str(raw)) if isinstance(raw, (str, int)) else ""
    if key in YES_WORDS:
        return "yes"
    if key in NO_WORDS:
        return "no"
    if key in DONT_KNOW_WORDS or key == "3":
        return DONT_KNOW
    raise InvalidAnswer("Please answer yes or no (or 'not sure').")
