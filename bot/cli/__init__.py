"""The `partnerbot` command line: one module per sub-command, registered here.

Sub-command modules keep heavy imports inside their handlers so that `partnerbot match` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        args = parser.parse_args(["run", *(argv or [])]) if "run" in _registered(parser) else None
        if args is None:
            parser.print_help()
            return 0
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


def _registered(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
