"""`partnerbot run` (also what plain `partnerbot` does): the Slack bot when Slack is configured,
otherwise the interview in this terminal."""

from __future__ import annotations

import argparse
import sys

from bot.cli import CliError

CONNECT_HINT = (
    "Slack is not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)"
    " to run the bot in Slack; starting the terminal chat instead."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="start the bot: in Slack if configured, otherwise in this terminal",
        description="Serve the Slack bot when Slack credentials are set; otherwise run the interview here.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.settings import get_settings

    settings = get_settings()
    if not settings.slack_configured:
        from bot.cli.chat import run_interactive

        print(CONNECT_HINT, file=sys.stderr)
        return run_interactive(resume=False, fmt="text")
    try:
        from bot.slack.server import serve_from_settings
    except ModuleNotFoundError as exc:
        if exc.name in ("bot.slack", "bot.slack.server"):
            raise CliError("this installation has no Slack server; use 'partnerbot chat' in the terminal") from None
        raise
    from bot.storage.errors import StorageError

    try:
        serve_from_settings(settings)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    return 0
