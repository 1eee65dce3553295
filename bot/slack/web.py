"""The Web API client and what its errors mean to a user.

Slack asks callers to retry on HTTP 429 after `Retry-After`, and transient 5xx and connection failures
are worth one more try; anything else (`channel_not_found`, `expired_trigger_id`, ...) will not fix
itself, so it becomes a clear message instead of a retry loop.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

# The user-facing meaning of the Web API errors people actually hit.
_API_ERROR_MESSAGES = {
    "expired_trigger_id": "That took Slack too long to open. Please try again.",
    "trigger_exchanged": "That form was already opened. Please try again.",
    "channel_not_found": "I can't reach that conversation. Invite me to the channel, or talk to me in a DM.",
    "not_in_channel": "I'm not a member of that channel. Invite me with `/invite @partnerbot` and try again.",
    "is_archived": "That channel is archived, so I can't post there.",
    "ratelimited": "Slack is asking me to slow down. Please try again in a minute; nothing you entered is lost.",
    "message_not_found": "That message is gone, so I posted a new one instead.",
    "msg_too_long": "That reply was too long for Slack.",
    "invalid_blocks": "Slack refused the layout of that reply.",
}
_SERVER_ERROR = "Slack is having trouble right now. Please try again shortly; nothing you entered is lost."


def retry_handlers(max_retries: int = 2) -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=max_retries),
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
    ]


def build_web_client(settings: Settings, *, with_token: bool = True) -> WebClient:
    """A client aimed at `SLACK_API_URL` (Slack, GovSlack or a test server) with Slack's retry rules.

    Without the bot token when requests are authorized per workspace: Bolt then gives each request a
    copy carrying that workspace's token.
    """
    token = None
    if with_token and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(token=token, base_url=settings.slack_api_url, retry_handlers=retry_handlers())


def api_error_code(error: SlackApiError) -> str:
    data = error.response.data if error.response is not None else None
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def describe_api_error(error: SlackApiError) -> str:
    """One sentence a user can act on; never the raw response (it may echo request fields)."""
    code = api_error_code(error)
    status = error.response.status_code if error.response is not None else 0
    if code in _API_ERROR_MESSAGES:
        return _API_ERROR_MESSAGES[code]
    if status >= 500:
        return _SERVER_ERROR
    return f"Slack refused that request ({code or f'HTTP {status}'})."
