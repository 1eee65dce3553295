"""Run the Slack app: Socket Mode when an app-level token is set, otherwise HTTP behind gunicorn.

HTTP mode serves every Slack request at `/slack/events` and a `/healthz` that answers 200 only while
the database does. Gunicorn (threaded workers, one database engine per worker after the fork) is the
production server; Bolt's own `app.start()` is a development convenience and is not used.

Stopping is graceful in both modes: on SIGTERM no new request is taken, requests in flight are answered,
listener work already acknowledged to Slack is finished, and only then does the process exit.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from bot.logging_setup import new_request_id, request_scope
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from types import TracebackType
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from bot.followups import FollowupScheduler
    from bot.storage.db import Database

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
PROCESSED_EVENT_DAYS = 7  # Slack stops redelivering an event within hours; a week of keys is plenty
HEALTH_PATH = "/healthz"
GRACEFUL_TIMEOUT_S = 20  # what a stopping worker gets to finish; give the orchestrator's stop timeout more


class SlackWsgiApp:
    """`/healthz` answered here; everything else goes to Bolt's WSGI adapter (which 404s unknown paths).

    Each Slack request gets a request id (a load balancer's `X-Request-Id` if it sent one), returned in
    the response's `X-Request-Id`, attached to every log line the request causes, and one log line of its
    own: method, path, status and time taken, never the body.
    """

    def __init__(self, slack_handler: WSGIApplication, db: Database, listener_executor: Executor | None = None) -> None:
        self.slack_handler = slack_handler
        self.db = db
        self.listener_executor = listener_executor
        self.followups: FollowupScheduler | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            healthy = database_answers(self.db)
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]

        request_id = new_request_id(environ.get("HTTP_X_REQUEST_ID"))
        started = time.perf_counter()
        seen: list[str] = []

        def start(status: str, headers: list[tuple[str, str]],
                  exc_info: tuple[type[BaseException], BaseException, TracebackType] | None = None) -> Any:
            seen.append(status)
            headers = [*headers, ("X-Request-Id", request_id)]
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        with request_scope(request_id):
            try:
                return self.slack_handler(environ, start)
            finally:
                status = seen[-1].split(" ", 1)[0] if seen else "500"
                log.info("%s %s %s", method, path, status,
                         extra={"status": int(status), "duration_ms": round((time.perf_counter() - started) * 1000, 1)})

    def start_followups(self, settings: Settings) -> None:
        """Send due follow-ups from this process too (each is claimed once, however many processes run)."""
        from bot.kb.loader import get_knowledge
        from bot.slack.followups import followup_scheduler

        self.followups = followup_scheduler(settings, self.db, get_knowledge(settings.knowledge_dir))
        self.followups.start()

    def close(self) -> None:
        """Finish listener work already acknowledged to Slack, then let go of the database."""
        if self.followups is not None:
            self.followups.stop()
        if self.listener_executor is not None:
            self.listener_executor.shutdown(wait=True)
        self.db.dispose()


def database_answers(db: Database) -> bool:
    from sqlalchemy import text

    try:
        with db.session() as session:
            session.connection().execute(text("SELECT 1"))
        return True
    except Exception as exc:  # noqa: BLE001 (any failure means unhealthy; asked every few seconds, so one line)
        log.warning("health check: the database did not answer (%s)", type(exc).__name__)
        return False


def build_wsgi_app(settings: Settings, **build_kwargs: Any) -> SlackWsgiApp:
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.slack.app import build_app, listener_pool
    from bot.storage.db import open_database

    db = build_kwargs.pop("db", None) or open_database(settings.database_url, migrate=False)
    executor = build_kwargs.pop("listener_executor", None) or listener_pool()
    app = build_app(settings, db=db, listener_executor=executor, **build_kwargs)
    return SlackWsgiApp(SlackRequestHandler(app, path=SLACK_PATH), db, executor)


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
    the knowledge base and interview flow load, the database is migrated, old dedupe keys are dropped.
    The knowledge base and matcher built here are inherited by every forked worker."""
    from bot.interview.flow import load_flow
    from bot.kb.loader import get_knowledge
    from bot.matching.matcher import get_matcher
    from bot.storage.db import open_database
    from bot.storage.events import ProcessedEventRepository

    kb = get_knowledge(settings.knowledge_dir)
    load_flow(kb)
    get_matcher(kb)  # built (seconds) before workers fork, so no first answer waits for it
    db = open_database(settings.database_url, migrate=True)
    try:
        ProcessedEventRepository(db).purge_older_than(PROCESSED_EVENT_DAYS)
    finally:
        db.dispose()


def configure_logging(settings: Settings) -> None:
    """Log to stderr at LOG_LEVEL: JSON lines unless stderr is a terminal (LOG_FORMAT overrides)."""
    from bot import logging_setup

    try:
        logging_setup.configure_logging(settings.log_level, settings.log_format)
    except ValueError as exc:
        raise SettingsError(f"setting LOG_LEVEL is invalid: {exc}") from None


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


class _StopRequested(Exception):
    """Raised from the SIGTERM/SIGINT handler to leave Bolt's blocking `start()`."""


def serve_socket_mode(settings: Settings) -> None:
    """Connect and wait; SIGTERM or SIGINT disconnects (Slack sends new payloads to other connections),
    then acknowledged listener work is finished before the process exits."""
    import signal

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.kb.loader import get_knowledge
    from bot.slack.app import build_app, listener_pool
    from bot.slack.followups import followup_scheduler
    from bot.storage.db import open_database

    db = open_database(settings.database_url, migrate=False)
    executor = listener_pool()
    app = build_app(settings, db=db, socket_mode=True, listener_executor=executor)
    followups = followup_scheduler(settings, db, get_knowledge(settings.knowledge_dir))
    assert settings.slack_app_token is not None
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())

    def stop(_signum: int, _frame: object) -> None:
        raise _StopRequested

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        log.info("connecting to Slack in Socket Mode")
        followups.start()
        handler.start()
    except _StopRequested:
        log.info("stopping: disconnecting from Slack and finishing work in flight")
        handler.close()
        followups.stop()
        executor.shutdown(wait=True)
        db.dispose()
        log.info("stopped")
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)


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

    def post_worker_init(worker: Any) -> None:
        """Each worker also sends due follow-ups in the background."""
        served = getattr(worker, "wsgi", None)
        if isinstance(served, SlackWsgiApp):
            served.start_followups(settings)

    def worker_exit(_arbiter: Any, worker: Any) -> None:
        """After a worker has answered its last request: finish acknowledged listener work, close the pool."""
        served = getattr(worker, "wsgi", None)
        if isinstance(served, SlackWsgiApp):
            served.close()

    from bot.logging_setup import gunicorn_logconfig

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "loglevel": settings.log_level.lower(),
        "logconfig_dict": gunicorn_logconfig(settings.log_level, settings.log_format),
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
        "preload_app": False,
        "proc_name": "partnerbot",
        "control_socket_disable": True,  # one fixed socket path per host would clash between instances
    }
    log.info("serving Slack requests at http://%s:%s%s", host, port, SLACK_PATH)
    GunicornServer(lambda: build_wsgi_app(settings), options).run()
