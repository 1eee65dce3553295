"""Build the Bolt app: one factory, no App at import time, everything injectable for tests.

`App(token=...)` calls `auth.test` when it is constructed, so building the app at module level would
touch the network on import; the factory also lets tests hand in their own database, knowledge base,
Web API client and a synchronous listener executor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from bot.kb.loader import KnowledgeBase, get_knowledge
from bot.settings import Settings, SettingsError
from bot.slack import middleware
from bot.slack.listeners import register_listeners
from bot.slack.services import SlackServices
from bot.slack.web import build_web_client

if TYPE_CHECKING:
    from bot.storage.db import Database

log = logging.getLogger(__name__)

LISTENER_THREADS = 10  # stays below the database pool size (5 + 10 overflow) so no listener waits for a connection


def listener_pool() -> ThreadPoolExecutor:
    """The threads listeners run on after their ack; the server drains it before the process exits."""
    return ThreadPoolExecutor(LISTENER_THREADS, "partnerbot-listener")


def build_app(
    settings: Settings,
    *,
    db: Database | None = None,
    kb: KnowledgeBase | None = None,
    client: WebClient | None = None,
    authorize: Callable[..., AuthorizeResult] | None = None,
    listener_executor: Executor | None = None,
    socket_mode: bool = False,
    verify_token: bool = True,
) -> App:
    """The whole Slack app, wired to `settings.slack_api_url`.

    In HTTP mode a signing secret is required (every request is verified); in Socket Mode the WebSocket
    authenticates payloads, so it is optional. `authorize` replaces the single bot token, e.g. for
    installations stored per workspace.
    """
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    if signing_secret is None and not socket_mode:
        raise SettingsError("setting SLACK_SIGNING_SECRET is missing: HTTP mode verifies every request with it")
    if authorize is None and settings.slack_bot_token is None and (client is None or client.token is None):
        raise SettingsError("setting SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...)")

    if db is None:
        from bot.storage.db import open_database

        db = open_database(settings.database_url)
    kb = kb or get_knowledge(settings.knowledge_dir)
    if client is None:
        client = build_web_client(settings, with_token=authorize is None)
    try:
        app = App(
            name="partnerbot",
            client=client,
            signing_secret=signing_secret or "",
            request_verification_enabled=signing_secret is not None,
            authorize=authorize,
            token_verification_enabled=verify_token,
            listener_executor=listener_executor or listener_pool(),
        )
    except BoltError as exc:  # auth.test refused the token; Bolt's message names the Slack error, not the token
        raise SettingsError(f"setting SLACK_BOT_TOKEN was refused by Slack: {exc}") from None

    services = SlackServices(settings=settings, db=db, kb=kb)
    _ = services.engine  # load the interview flow now: a broken flow file stops start-up, not the first interview
    middleware.install(app, services)
    register_listeners(app)
    return app
