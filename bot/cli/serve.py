"""`partnerbot serve`: run the Slack app (Socket Mode with SLACK_APP_TOKEN, otherwise HTTP)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the Slack app",
        description=(
            "Serve the Slack app. With SLACK_APP_TOKEN set it connects in Socket Mode; otherwise it serves "
            "HTTP on --port with Slack requests at /slack/events and a health check at /healthz."
        ),
    )
    parser.add_argument("--port", type=_port, default=3000, help="HTTP port (default 3000; 0 picks a free one)")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    parser.add_argument("--workers", type=_positive, default=2, help="worker processes (default 2)")
    parser.add_argument("--threads", type=_positive, default=8, help="threads per worker (default 8)")
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from bot.cli import CliError
    from bot.settings import get_settings
    from bot.slack.server import serve_from_settings
    from bot.storage.errors import StorageError

    try:
        serve_from_settings(get_settings(), host=args.host, port=args.port, workers=args.workers,
                            threads=args.threads)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    return 0


def _port(text: str) -> int:
    value = _integer(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {value}")
    return value


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
