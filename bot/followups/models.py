"""What a follow-up is, and how delivering one can fail."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

FollowupStatus = Literal["pending", "sending", "sent", "closed", "declined", "failed"]
Surface = Literal["dm", "thread", "terminal"]
# Only Slack can deliver a follow-up; a terminal interview's follow-ups are listed by `partnerbot followups`.
SLACK_SURFACES: tuple[Surface, ...] = ("dm", "thread")
# Asks per partnership before the bot stops by itself: with the default 90 days, about a year.
MAX_ASKS = 4


class Followup(BaseModel):
    """One "how is it going?" ask; `attempts` counts claims, so above 1 it is being sent again."""

    model_config = ConfigDict(frozen=True)

    id: int
    team_id: str
    interview_id: int
    user_id: str
    surface: Surface
    ask: int
    title: str
    status: FollowupStatus
    due_at: datetime
    attempts: int
    claim_token: str | None
    claimed_at: datetime | None
    sent_at: datetime | None
    message_ref: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def is_last_ask(self) -> bool:
        return self.ask >= MAX_ASKS


class DeliveryFailed(Exception):
    """Sending did not work. `permanent` failures (the person left, the app lost access) are not retried."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
