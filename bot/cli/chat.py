"""`partnerbot chat`: the interview in the terminal, or non-interactively from a file of answers.

    partnerbot chat                          ask the questions here, print the advice at the end
    partnerbot chat --resume                 continue the last unfinished terminal interview
    partnerbot chat --answers FILE.yaml      answer from a file and print the advice (no questions asked)
    partnerbot chat ... --format md|json     the advice as Markdown or JSON instead of plain text
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli import CliError

if TYPE_CHECKING:
    from bot.interview.engine import InterviewEngine

FORMATS = ("text", "md", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat", help="think a partnership through in the terminal",
        description=(
            "Answer a short interview about a partnership and get advice: the main risks, strengths to "
            "build on, what is still unknown and a suggested decision status."
        ),
    )
    add_chat_arguments(parser)
    parser.set_defaults(handler=run_chat)


def add_chat_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="continue your last unfinished interview")
    mode.add_argument("--answers", metavar="FILE", type=Path, help="answer from a YAML file and print the advice")
    parser.add_argument("--format", choices=FORMATS, default="text", help="how to print the advice (default text)")


def _engine() -> InterviewEngine:
    from bot.interview import InterviewEngine, load_flow
    from bot.kb.loader import get_knowledge
    from bot.settings import get_settings

    kb = get_knowledge(get_settings().knowledge_dir)
    return InterviewEngine(load_flow(kb), kb)


def run_chat(args: argparse.Namespace) -> int:
    if args.answers is not None:
        return run_answers_file(args.answers, args.format)
    return run_interactive(resume=args.resume, fmt=args.format)


def run_answers_file(path: Path, fmt: str) -> int:
    from bot.advice import build_report, render
    from bot.interview.scripted import ScriptError, load_script, run_script

    engine = _engine()
    try:
        state, notes = run_script(engine, load_script(path), source=str(path))
    except ScriptError as exc:
        raise CliError(str(exc)) from None
    for note in notes:
        print(f"partnerbot: note: {note}", file=sys.stderr)
    report = build_report(state, engine.kb, engine.flow)
    sys.stdout.write(render(report, fmt))
    return 0


def run_interactive(*, resume: bool, fmt: str) -> int:
    from bot.interview import InterviewError
    from bot.settings import get_settings
    from bot.storage.db import open_database
    from bot.storage.errors import StorageError
    from bot.terminal.chat import RESUME_HINT, TerminalChat
    from bot.terminal.display import say, terminal_width, use_bold
    from bot.terminal.store import TerminalStore

    engine = _engine()
    settings = get_settings()
    try:
        store = TerminalStore(open_database(settings.database_url), settings.team_id)
        state = None
        if resume:
            record = store.latest_open()
            if record is None:
                raise CliError("there is no unfinished interview to resume; start one with: partnerbot chat")
            try:
                state = engine.resume(record.state)
            except InterviewError as exc:
                raise CliError(str(exc)) from None
            store.attach(record)
            answered = len(state.history)
            say(sys.stdout, f"Welcome back. Continuing your interview from {record.updated_at:%Y-%m-%d %H:%M}"
                f" ({answered} answer{'s' if answered != 1 else ''} so far).")
        else:
            waiting = store.latest_open()
            if waiting is not None:
                say(sys.stdout, f"(You have an unfinished interview from {waiting.updated_at:%Y-%m-%d}; "
                    f"to continue it instead, quit and run: {RESUME_HINT})")
        chat = TerminalChat(engine, store, sys.stdin, sys.stdout, fmt=fmt, width=terminal_width(),
                            bold=use_bold(sys.stdout) and fmt == "text")
        return chat.run(state)
    except StorageError as exc:
        raise CliError(str(exc)) from None
