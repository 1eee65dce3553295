"""How a question looks in a terminal: numbered options, a progress line, and the commands."""

from __future__ import annotations

import os
import shutil
import textwrap
from typing import TextIO

from bot.advice.wording import shorten
from bot.interview.engine import Prompt

COMMANDS_HELP = """\
While answering you can type:
  back      go back to the previous question
  skip      leave this question out
  ?         don't know (it becomes a question to ask the partner)
  done      stop here and see the advice for the answers so far
  restart   start again from the first question
  quit      save and leave (continue later with: partnerbot chat --resume)
  help      show this list"""


def terminal_width() -> int:
    return max(40, min(shutil.get_terminal_size((88, 24)).columns, 100))


def use_bold(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False) or [indent]


def format_prompt(prompt: Prompt, width: int = 88, bold: bool = False) -> str:
    lines: list[str] = [""]
    progress = prompt.progress[0].upper() + prompt.progress[1:]
    lines.append(f"\033[2m{progress}\033[0m" if bold else f"[{progress}]")
    if prompt.is_confirmation and prompt.evidence:
        lines += _wrap(f"You wrote: “{shorten(prompt.evidence, 200)}”", width)
    title = _wrap(prompt.text, width)
    lines += [f"\033[1m{line}\033[0m" for line in title] if bold else title
    if prompt.help and not prompt.is_confirmation:
        lines += _wrap(prompt.help, width, "  ")
    if prompt.kind == "text":
        hint = "Type your answer on one line."
    elif prompt.kind == "confirm":
        hint = "Type yes, no or not sure."
    elif prompt.kind == "multi":
        hint = "Type one or more numbers, separated by commas (for example 1,3)."
    else:
        hint = "Type a number."
    if prompt.kind != "confirm":
        for number, option in enumerate(prompt.options, start=1):
            wrapped = _wrap(option.label, width - 6)
            lines.append(f"  {number:>2}) {wrapped[0]}")
            lines += ["      " + line for line in wrapped[1:]]
    extras = []
    if prompt.allows_dont_know and prompt.kind not in ("scale", "confirm"):
        extras.append("? = don't know")
    if prompt.can_go_back:
        extras.append("back")
    if not prompt.required:
        extras.append("skip")
    extras.append("help")
    lines += _wrap(hint + "  (" + ", ".join(extras) + ")", width)
    return "\n".join(lines)


def say(stream: TextIO, text: str = "") -> None:
    stream.write(text + "\n")
    stream.flush()


def ask(stream: TextIO, marker: str = "> ") -> None:
    stream.write(marker)
    stream.flush()
