"""Delivering follow-ups in Slack, and running their scheduler beside the app.

Each follow-up goes to the person's DM with the app, carrying its id in the message's metadata. A
second attempt at the same follow-up (after a timeout, or after a process stopped mid-send) first
looks for that metadata in the DM's recent history, so a message Slack already accepted is recorded
as sent instead of being posted twice. The client used here does not retry by itself, for the same
reason: only a rate-limit answer (which means Slack did not take the message) is retried at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.followups import DeliveryFailed, Followup, FollowupScheduler
from bot.kb.loader import KnowledgeBase
from bot.settings import Settings
from bot.slack.blocks.followup import followup_message
from bot.slack.web import api_error_code
from bot.storage.advice import AdviceRepository
from bot.storage.db import Database
from bot.storage.types import utcnow

log = logging.getLogger(__name__)

METADATA_EVENT = "partnerbot_followup"
HISTORY_LIMIT = 200
# Slack errors that another try will not fix: the person or the app's access is gone.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "messages_tab_disabled",
        "not_authed",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
        "team_access_not_granted",
        "no_permission",
        "restricted_action",
        "not_allowed_token_type",
    }
)


def followup_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


class SlackFollowupSender:
    def __init__(self, client: WebClient, db: Database, kb: KnowledgeBase, *, followup_days: int) -> None:
        self.client = client
        self.advice = AdviceRepository(db)
        self.kb = kb
        self.followup_days = followup_days

    def deliver(self, followup: Followup) -> str:
        try:
            channel = str(self.client.conversations_open(users=followup.user_id)["channel"]["id"])
            if followup.attempts > 1:
                earlier = self._already_posted(channel, followup)
                if earlier is not None:
                    log.info(
                        "follow-up %s had already been posted (%s); not posting it again",
                        followup.id,
                        earlier,
                    )
                    return earlier
            message = followup_message(
                followup, risks=self._risks(followup), now=utcnow(), followup_days=self.followup_days
            )
            response = self.client.chat_postMessage(
                channel=channel,
                unfurl_links=False,
                unfurl_media=False,
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"followup_id": followup.id, "team_id": followup.team_id},
                },
                **message.as_kwargs(),
            )
            return f"{channel}:{response['ts']}"
        except SlackApiError as exc:
            code = api_error_code(exc)
            status = exc.response.status_code if exc.response is not None else 0
            raise DeliveryFailed(code or f"HTTP {status}", permanent=code in PERMANENT_ERRORS) from None
        except OSError as exc:  # no connection, a timeout: Slack may or may not have the message
            raise DeliveryFailed(f"cannot reach Slack ({type(exc).__name__})", permanent=False) from None

    def _risks(self, followup: Followup) -> list[str]:
        advice = self.advice.for_interview(followup.team_id, followup.interview_id)
        if not advice:
            return []
        return [
            self.kb.factors[h.id].name
            for h in advice[0].hits
            if h.kind == "negative" and h.id in self.kb.factors
        ]

    def _already_posted(self, channel: str, followup: Followup) -> str | None:
        """Where an earlier attempt posted this follow-up, if Slack has it."""
        since = (followup.claimed_at or followup.due_at) - timedelta(days=1)
        history = self.client.conversations_history(
            channel=channel, oldest=f"{since.timestamp():.6f}", limit=HISTORY_LIMIT, include_all_metadata=True
        )
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("followup_id") == followup.id:
                return f"{channel}:{message.get('ts')}"
        return None


def followup_scheduler(settings: Settings, db: Database, kb: KnowledgeBase) -> FollowupScheduler:
    """The scheduler as the app runs it: Slack delivery with the bot token."""
    sender = SlackFollowupSender(followup_client(settings), db, kb, followup_days=settings.followup_days)
    return FollowupScheduler(db, sender, followup_days=settings.followup_days)
