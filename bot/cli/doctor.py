"""`partnerbot doctor`: check everything a deployment depends on and say how to fix what is wrong.

Each check runs even when an earlier one failed (a wrong token and an old schema are both worth
hearing about at once), except where a check cannot run without the one before it. Exit code 0 only
when nothing is wrong. Secrets are never printed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check settings, database, knowledge base and Slack",
        description=(
            "Check the settings, the database (reachable, schema up to date), the knowledge base and the "
            "Slack credentials (auth.test), print each problem with how to fix it, and exit non-zero if "
            "there is any."
        ),
    )
    parser.add_argument("--skip-slack", action="store_true",
                        help="do not check Slack (a terminal-only install needs no Slack settings)")
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    findings = diagnose(skip_slack=args.skip_slack)
    for finding in findings:
        mark = "ok  " if finding.ok else "FAIL"
        print(f"{mark} {finding.check}: {finding.detail}")
        if not finding.ok and finding.fix:
            print(f"     fix: {finding.fix}")
    problems = sum(not finding.ok for finding in findings)
    print("No problems found." if not problems else f"{problems} problem{'s' * (problems != 1)} found.")
    return 1 if problems else 0


def diagnose(*, skip_slack: bool = False) -> list[Finding]:
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        return [Finding("settings", False, str(exc), "correct that variable in the environment or in .env")]
    findings = [check_log_settings(settings), check_database(settings), check_knowledge(settings)]
    if not skip_slack:
        findings.extend(check_slack(settings))
    return findings


def check_log_settings(settings: Settings) -> Finding:
    from bot.logging_setup import parse_level

    try:
        parse_level(settings.log_level)
    except ValueError as exc:
        return Finding("settings", False, f"LOG_LEVEL: {exc}", "set LOG_LEVEL to DEBUG, INFO, WARNING or ERROR")
    return Finding("settings", True, f"read (log level {settings.log_level.upper()}, format {settings.log_format})")


def check_database(settings: Settings) -> Finding:
    from bot.storage import StorageError, open_database
    from bot.storage.db import head_revision

    missing = _missing_sqlite_file(settings.database_url)
    if missing:
        return Finding("database", False, f"there is no database file at {missing} yet",
                       "run: partnerbot db upgrade (or start partnerbot once)")
    try:
        db = open_database(settings.database_url, migrate=False)
    except StorageError as exc:
        return Finding("database", False, str(exc),
                       "check DATABASE_URL, that the server runs and that this host may connect to it")
    try:
        current, head = db.current_revision(), head_revision()
    except Exception as exc:  # noqa: BLE001 (a driver error becomes one line)
        return Finding("database", False, f"{db.display_url} answered but its schema could not be read "
                                          f"({type(exc).__name__})", "check the user's permissions on the database")
    finally:
        db.dispose()
    if current != head:
        return Finding("database", False, f"{db.display_url} is at schema {current or 'none (empty)'}, "
                                          f"the code needs {head}", "run: partnerbot db upgrade")
    return Finding("database", True, f"{db.display_url} answers, schema {current} (newest)")


def _missing_sqlite_file(url: str) -> str | None:
    """Opening a SQLite file that is not there would create it; the doctor only looks."""
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # open_database reports the malformed URL
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database).expanduser()
    return None if path.exists() or str(parsed.database).startswith("file:") else str(path)


def check_knowledge(settings: Settings) -> Finding:
    from bot.interview.flow import load_flow
    from bot.kb.loader import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge([settings.knowledge_dir] if settings.knowledge_dir else [])
        flow = load_flow(kb)
    except KnowledgeError as exc:
        return Finding("knowledge base", False, str(exc),
                       "fix that file (partnerbot kb check shows the same message), or unset "
                       "PARTNERBOT_KNOWLEDGE_DIR to use the built-in knowledge only")
    except OSError as exc:
        return Finding("knowledge base", False, f"cannot read {exc.filename}: {exc.strerror}",
                       "check PARTNERBOT_KNOWLEDGE_DIR and the folder's permissions")
    counts = ", ".join(f"{n} {what}" for what, n in kb.counts().items())
    return Finding("knowledge base", True, f"valid ({counts}; interview of {len(flow.questions)} questions)")


def check_slack(settings: Settings) -> list[Finding]:
    if settings.slack_bot_token is None:
        return [Finding("slack", False, "SLACK_BOT_TOKEN is not set, so `partnerbot serve` cannot run",
                        "copy the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions "
                        "page, or pass --skip-slack for a terminal-only install")]
    findings: list[Finding] = []
    socket_mode = settings.slack_app_token is not None
    if not socket_mode and settings.slack_signing_secret is None:
        findings.append(Finding("slack", False, "SLACK_SIGNING_SECRET is not set; HTTP mode verifies every "
                                                "request with it",
                                "copy the Signing Secret from your Slack app's Basic Information page "
                                "(or set SLACK_APP_TOKEN to use Socket Mode)"))
    findings.append(_call_slack("slack auth.test", settings, _auth_test))
    if socket_mode:
        findings.append(_call_slack("slack Socket Mode", settings, _connections_open))
    return findings


def _auth_test(settings: Settings) -> str:
    from bot.slack.web import build_web_client

    reply = build_web_client(settings).auth_test()
    return f"the bot token works: bot {reply.get('user')} in workspace {reply.get('team')} ({reply.get('team_id')})"


def _connections_open(settings: Settings) -> str:
    from slack_sdk import WebClient

    from bot.slack.web import retry_handlers

    assert settings.slack_app_token is not None
    WebClient(token=settings.slack_app_token.get_secret_value(), base_url=settings.slack_api_url,
              retry_handlers=retry_handlers()).apps_connections_open(app_token=settings.slack_app_token.get_secret_value())
    return "the app-level token may open Socket Mode connections"


def _call_slack(check: str, settings: Settings, call: Callable[[Settings], str]) -> Finding:
    from slack_sdk.errors import SlackApiError

    from bot.slack.web import api_error_code

    try:
        return Finding(check, True, call(settings))
    except SlackApiError as exc:
        code = api_error_code(exc) or f"HTTP {exc.response.status_code if exc.response is not None else '?'}"
        return Finding(check, False, f"Slack refused the token ({code})", _SLACK_FIXES.get(code, _SLACK_FIX))
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or type(exc).__name__
        return Finding(check, False, f"cannot reach {settings.slack_api_url} ({reason})",
                       "check the network, a proxy, or SLACK_API_URL")


_SLACK_FIX = "check the token in your Slack app's settings and set it again"
_SLACK_FIXES = {
    "invalid_auth": "the token is wrong or from another app: copy it again from your Slack app",
    "not_authed": "the token is empty: set SLACK_BOT_TOKEN",
    "token_revoked": "the token was revoked: reinstall the app to your workspace and copy the new token",
    "account_inactive": "the app was uninstalled or its workspace is gone: reinstall the app",
    "not_allowed_token_type": "SLACK_APP_TOKEN must be an app-level token (xapp-...) with connections:write",
}
