"""Follow-ups: some days after advice, ask the person how the partnership is going.

Stored in the database when the advice is given, sent once each by a scheduler that any number of app
processes can run, and stopped once an outcome is logged or the person declines.
"""

from bot.followups.models import MAX_ASKS, DeliveryFailed, Followup
from bot.followups.repository import FollowupRepository, schedule_after_advice
from bot.followups.scheduler import FollowupScheduler, FollowupSender, RunSummary

__all__ = [
    "MAX_ASKS",
    "DeliveryFailed",
    "Followup",
    "FollowupRepository",
    "FollowupScheduler",
    "FollowupSender",
    "RunSummary",
    "schedule_after_advice",
]
