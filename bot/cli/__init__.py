"""The `partnerbot` command line: one module per sub-command, registered here.

Sub-command modules keep heavy imports inside their handlers so that `partnerbot match` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from bot import __version__
from bot.kb.loader import KnowledgeError
from bot.settings import SettingsError

# Each module in bot/cli/ named here defines `register(subparsers)`; the order is the order in --help.
COMMAND_MODULES = ["run", "chat", "factor", "match", "kb", "outcomes", "db", "serve", "doctor", "followups"]


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2 unless given."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerbot",
        description="Think a health-sector partnership through before it fails.",
    )
    parser.add_argument("--version", action="version", version=f"partnerbot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"bot.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bot.cli.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def console() -> None:
    """The installed `partnerbot` command."""
    sys.exit(main(quick_exit=True))


def main(argv: Sequence[str] | None = None, quick_exit: bool = False) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        args = parser.parse_args(["run", *(argv or [])]) if "run" in _registered(parser) else None
        if args is None:
            parser.print_help()
            return 0
    code = _handle(args)
    if quick_exit and getattr(args, "read_only", False):
        _leave_now(code)
    return code


def _leave_now(code: int) -> None:
    """End a read-only command without tearing down its objects.

    Freeing the matcher's tens of thousands of objects one by one at exit costs about a third of a
    second, as long as the matching itself; a command that holds no connection or file has nothing
    to clean up, so it flushes what it printed and leaves.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


def _handle(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args) or 0)
    except CliError as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return exc.exit_code
    except (SettingsError, KnowledgeError) as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\npartnerbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001  (a bug: one clear line for the person at the terminal, details on request)
        if os.environ.get("LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        print(f"partnerbot: something went wrong inside partnerbot ({type(exc).__name__}: {str(exc)[:200]}). "
              "Please report it with the command you ran; LOG_LEVEL=DEBUG shows the details.", file=sys.stderr)
        return 70  # EX_SOFTWARE


def _registered(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
