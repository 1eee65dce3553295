"""Cross-cutting request handling: services and a request id on every request, redelivered events
dropped, and every error turned into a message the user can act on.

A database that cannot be reached is a passing condition, not a bug: the user is asked to try again
in a minute, and the next request simply gets a fresh connection once the database answers again.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Args, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import exc as sql_errors

from bot.logging_setup import current_request_id, new_request_id, request_scope
from bot.slack.services import CONTEXT_KEY, SlackServices, services_of
from bot.slack.web import describe_api_error
from bot.storage.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

REQUEST_ID = "request_id"
DATABASE_DOWN = ("I can't reach my database just now, so I may not have taken that in. "
                 "Please try again in a minute.")


class UserFacingError(Exception):
    """A problem to tell the user about in plain words (no reference number, no apology for a bug)."""


def install(app: App, services: SlackServices) -> None:
    def attach_services(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context[CONTEXT_KEY] = services
        context[REQUEST_ID] = current_request_id() or new_request_id()  # the HTTP layer's id, or one of ours
        return next()

    app.use(attach_services)
    app.use(drop_redelivered_events)
    app.error(report_error)


def event_key(body: dict[str, Any]) -> str | None:
    """The dedupe key of an Events API delivery; retries of one event share its `event_id`."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack-event:{body['event_id']}"
    return None


def is_ignorable(event: dict[str, Any]) -> bool:
    """Messages nobody acts on: edits, deletions, joins, bots, top-level channel chatter."""
    if event.get("type") != "message":
        return False
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return True
    return event.get("channel_type") != "im" and not event.get("thread_ts")


def is_database_outage(error: BaseException) -> bool:
    """Errors that another try, a little later, can fix: no connection, a dropped one, a full pool."""
    return isinstance(error, DatabaseUnavailable | sql_errors.OperationalError | sql_errors.InterfaceError
                      | sql_errors.DisconnectionError | sql_errors.TimeoutError)


def drop_redelivered_events(
    body: dict[str, Any], req: BoltRequest, context: BoltContext, client: WebClient, next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """Slack redelivers an event it thinks we missed; the first delivery to claim its id wins."""
    key = event_key(body)
    if key is None or is_ignorable(body.get("event") or {}):
        return next()  # nothing to protect; skipping the claim keeps busy channels from filling the table
    try:
        claimed = services_of(context).processed_events().claim(key)
    except Exception as error:
        if not is_database_outage(error):
            raise
        # Acknowledged (a redelivery minutes later would land on whatever question is current by then),
        # and the person is asked to send it again.
        report_error(error, body, context, client)
        return BoltResponse(status=200, body="")
    if claimed:
        return next()
    retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
    log.info("dropped a redelivered event %s (retry %s)", body.get("event_id"), retry)
    return BoltResponse(status=200, body="")


def guarded(handler: Callable[..., Any]) -> Callable[[Args], None]:
    """Wrap a listener so that its errors are reported here, after its ack has gone out.

    Bolt resets an already-sent acknowledgement when a listener raises soon after `ack()`, so Slack can
    see a failure for a request that succeeded; catching the error inside the listener keeps the ack,
    and a listener that failed before acknowledging is acknowledged here.
    """
    names = inspect.getfullargspec(handler).args

    def run(args: Args) -> None:
        with request_scope(args.context.get(REQUEST_ID) or new_request_id()):  # listeners run on pool threads
            try:
                handler(**{name: getattr(args, name) for name in names})
            except Exception as error:  # noqa: BLE001 (reported to the user and logged in report_error)
                if args.ack.response is None:
                    args.ack()  # Slack hears back first; the explanation follows
                report_error(error, args.body, args.context, args.client, args.respond)

    run.__name__ = handler.__name__
    run.__qualname__ = handler.__qualname__
    run.__doc__ = handler.__doc__
    return run


def before_ack(step: Callable[..., Any]) -> Callable[[Args], BoltResponse | None]:
    """Make `step` a listener middleware: the durable part of a request, done in the request thread and
    then acknowledged, so Slack hears 200 only for what is stored, without waiting for a free listener
    thread. The listener itself then does the Slack side on the pool. If `step` raises, the person is
    told why (a "try again" when the database is away), Slack still gets its 200, the listener does not run.
    """
    names = inspect.getfullargspec(step).args

    def middleware(args: Args) -> BoltResponse | None:
        with request_scope(args.context.get(REQUEST_ID) or new_request_id()):
            try:
                step(**{name: getattr(args, name) for name in names})
            except Exception as error:  # noqa: BLE001 (reported to the user and logged in report_error)
                args.ack()
                report_error(error, args.body, args.context, args.client, args.respond)
                return args.ack.response
        args.ack()
        args.next()
        return None

    middleware.__name__ = step.__name__
    middleware.__doc__ = step.__doc__
    return middleware


def acknowledge_first(ack: Ack, next: Callable[[], None]) -> None:
    """Acknowledge from the request thread: a listener whose ack carries nothing need not wait for a free
    listener thread before Slack hears back (Bolt otherwise waits for the listener to call `ack()`)."""
    ack()
    next()


def report_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Callable[..., Any] | None = None,
) -> None:
    """The one place an unhandled listener error becomes a reply: logged with a reference, shown briefly."""
    request_id = context.get(REQUEST_ID, "-")
    if isinstance(error, UserFacingError):
        message = str(error)
        log.info("[%s] told the user: %s", request_id, message)
    elif isinstance(error, SlackApiError):
        message = describe_api_error(error)
        log.warning("[%s] Slack API error: %s", request_id, message)
    elif is_database_outage(error):
        message = DATABASE_DOWN
        log.warning("[%s] the database did not answer (%s); the user was asked to try again", request_id,
                    type(error).__name__)
    else:
        log.exception("[%s] unhandled error in a listener", request_id, exc_info=error)
        message = (
            f"Something went wrong on my side (reference `{request_id}`). "
            "Your answers so far are saved; please try again."
        )
    tell_user(message, body=body, context=context, client=client, respond=respond)


def tell_user(
    message: str,
    *,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Callable[..., Any] | None = None,
) -> None:
    """Best effort: an ephemeral reply where the user acted; a failure here is only logged."""
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            respond(text=message, response_type="ephemeral", replace_original=False)
            return
        event = body.get("event") or {}
        user = context.user_id or event.get("user")
        channel = context.channel_id or event.get("channel")
        if user and channel:
            thread_ts = event.get("thread_ts") or event.get("ts")
            client.chat_postEphemeral(channel=channel, user=user, text=message, thread_ts=thread_ts)
        elif user:
            client.chat_postMessage(channel=user, text=message)
    except Exception:
        log.warning("[%s] could not tell the user about an error", context.get(REQUEST_ID, "-"), exc_info=True)
