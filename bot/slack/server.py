"""Run the Slack app: Socket Mode when an app-level token is set, otherwise HTTP behind gunicorn.

HTTP mode serves every Slack request at `/slack/events` and a `/healthz` that answers 200 only while
the database does. Gunicorn (threaded workers, one database engine per worker after the fork) is the
production server; Bolt's own `app.start()` is a development convenience and is not used.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from bot.storage.db import Database

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
PROCESSED_EVENT_DAYS = 7  # Slack stops redelivering an event within hours; a week of keys is plenty
HEALTH_PATH = "/healthz"


class SlackWsgiApp:
    """`/healthz` answered here; everything else goes to Bolt's WSGI adapter (which 404s unknown paths)."""

    def __init__(self, slack_handler: WSGIApplication, db: Database) -> None:
        self.slack_handler = slack_handler
        self.db = db

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            healthy = database_answers(self.db)
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return self.slack_handler(environ, start_response)


def database_answers(db: Database) -> bool:
    from sqlalchemy import text

    try:
        with db.session() as session:
            session.connection().execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("health check: the database did not answer", exc_info=True)
        return False


def build_wsgi_app(settings: Settings, **build_kwargs: Any) -> SlackWsgiApp:
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack.app import build_app
    from bot.storage.db import open_database

    db = build_kwargs.pop("db", None) or open_database(settings.database_url, migrate=False)
    app = build_app(settings, db=db, **build_kwargs)
    return SlackWsgiApp(SlackRequestHandler(app, path=SLACK_PATH), db)


def check_slack_settings(settings: Settings, *, socket_mode: bool) -> None:
    """Stop before serving with one line naming what is missing."""
    if settings.slack_bot_token is None:
        raise SettingsError(
            "setting SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...) from your Slack app"
        )
    if not socket_mode and settings.slack_signing_secret is None:
        raise SettingsError(
            "setting SLACK_SIGNING_SECRET is missing: HTTP mode needs it (or set SLACK_APP_TOKEN for Socket Mode)"
        )


def verify_bot_token(settings: Settings) -> None:
    """One `auth.test` before forking workers, so a wrong token is one clear line, not a crash loop."""
    from slack_sdk.errors import SlackApiError

    from bot.slack.web import api_error_code, build_web_client

    try:
        build_web_client(settings).auth_test()
    except SlackApiError as exc:
        raise SettingsError(f"setting SLACK_BOT_TOKEN was refused by Slack ({api_error_code(exc)})") from None
    except OSError as exc:
        raise SettingsError(f"setting SLACK_API_URL cannot be reached ({type(exc).__name__})") from None


def prepare(settings: Settings) -> None:
    """Work done once in the parent, so each problem is one clear line before any worker starts:
    the knowledge base and interview flow load, the database is migrated, old dedupe keys are dropped."""
    from bot.interview.flow import load_flow
    from bot.kb.loader import get_knowledge
    from bot.storage.db import open_database
    from bot.storage.events import ProcessedEventRepository

    load_flow(get_knowledge(settings.knowledge_dir))
    db = open_database(settings.database_url, migrate=True)
    try:
        ProcessedEventRepository(db).purge_older_than(PROCESSED_EVENT_DAYS)
    finally:
        db.dispose()


def configure_logging(settings: Settings) -> None:
    """Log to stderr at LOG_LEVEL unless the caller set logging up already; migration chatter stays quiet."""
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        raise SettingsError(f"setting LOG_LEVEL is invalid: {settings.log_level!r} (use DEBUG, INFO, WARNING or ERROR)")
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))


def serve_from_settings(
    settings: Settings,
    *,
    host: str = "0.0.0.0",
    port: int = 3000,
    workers: int = 2,
    threads: int = 8,
) -> None:
    """Block serving Slack until stopped."""
    configure_logging(settings)
    socket_mode = settings.slack_app_token is not None
    check_slack_settings(settings, socket_mode=socket_mode)
    prepare(settings)
    verify_bot_token(settings)
    if socket_mode:
        serve_socket_mode(settings)
    else:
        serve_http(settings, host=host, port=port, workers=workers, threads=threads)


def serve_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app
    from bot.storage.db import open_database

    app = build_app(settings, db=open_database(settings.database_url, migrate=False), socket_mode=True)
    assert settings.slack_app_token is not None
    log.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()


def serve_http(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class GunicornServer(BaseApplication):
        """Gunicorn driven from code: no config file, and the app is built in each worker after the fork."""

        def __init__(self, factory: Callable[[], SlackWsgiApp], options: dict[str, Any]) -> None:
            self.factory = factory
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self) -> SlackWsgiApp:
            return self.factory()

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 20,
        "loglevel": settings.log_level.lower(),
        "accesslog": "-",
        "errorlog": "-",
        "preload_app": False,
        "proc_name": "partnerbot",
    }
    log.info("serving Slack requests at http://%s:%s%s", host, port, SLACK_PATH)
    GunicornServer(lambda: build_wsgi_app(settings), options).run()
