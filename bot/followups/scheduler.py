"""Sending due follow-ups: claim, send, record; safe to run in every app process at once.

A run closes follow-ups whose partnership already has an outcome, then claims due ones a batch at a
time and hands each to a sender. A passing failure gives the claim back for a later retry; a
permanent one (the person left the workspace) or too many attempts mark it failed. A claim whose
process stopped mid-send is taken over after `CLAIM_TIMEOUT`; its `attempts` is then above 1, which
tells the sender to check whether the message already went out before sending it again.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.followups.models import DeliveryFailed, Followup
from bot.followups.repository import FollowupRepository
from bot.storage.db import Database
from bot.storage.errors import StorageError
from bot.storage.types import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=15)  # times the attempt number: 15, 30, 45, 60 minutes
BATCH = 20
MAX_PER_RUN = 500  # a run ends after this many, so a huge backlog cannot hold one process for long
INTERVAL_S = 60.0


class FollowupSender(Protocol):
    def deliver(self, followup: Followup) -> str:
        """Send it (or find that an earlier attempt did); returns where it went. Raises `DeliveryFailed`."""
        ...


@dataclass
class RunSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}, "
            f"closed {self.closed} (outcome already logged)"
        )


class FollowupScheduler:
    def __init__(
        self,
        db: Database,
        sender: FollowupSender,
        *,
        followup_days: int,
        batch: int = BATCH,
        max_per_run: int = MAX_PER_RUN,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.repo = FollowupRepository(db)
        self.sender = sender
        self.followup_days = followup_days
        self.batch = batch
        self.max_per_run = max_per_run
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> RunSummary:
        """Send what is due now; each follow-up at most once across every process running this."""
        summary = RunSummary(closed=self.repo.close_answered(self.clock()))
        handled = 0
        while handled < self.max_per_run and not self._stop.is_set():
            token = uuid.uuid4().hex
            claimed = self.repo.claim_due(
                token, limit=min(self.batch, self.max_per_run - handled), now=self.clock()
            )
            if not claimed:
                break
            for followup in claimed:
                self._deliver(followup, token, summary)
            handled += len(claimed)
        return summary

    def _deliver(self, followup: Followup, token: str, summary: RunSummary) -> None:
        try:
            where = self.sender.deliver(followup)
        except DeliveryFailed as exc:
            self._failed(followup, token, exc.reason, permanent=exc.permanent, summary=summary)
            return
        except Exception as exc:  # a bug or an outage must not stop the other follow-ups
            log.exception("follow-up %s could not be sent", followup.id)
            self._failed(followup, token, type(exc).__name__, permanent=False, summary=summary)
            return
        now = self.clock()
        next_due = None if followup.is_last_ask else now + timedelta(days=self.followup_days)
        if self.repo.mark_sent(followup, token, where, next_due=next_due, now=now):
            summary.sent += 1
            log.info("follow-up %s (ask %s) sent to %s", followup.id, followup.ask, followup.user_id)
        else:
            log.warning("follow-up %s was sent but another process had taken over its claim", followup.id)

    def _failed(
        self, followup: Followup, token: str, reason: str, *, permanent: bool, summary: RunSummary
    ) -> None:
        if permanent or followup.attempts >= MAX_ATTEMPTS:
            self.repo.mark_failed(followup.id, token, reason)
            summary.failed += 1
            log.warning("follow-up %s failed for good: %s", followup.id, reason)
        else:
            self.repo.release(
                followup.id, token, reason, retry_at=self.clock() + RETRY_AFTER * followup.attempts
            )
            summary.retrying += 1
            log.info("follow-up %s will be retried: %s", followup.id, reason)

    # -- in the background ---------------------------------------------------------------------------

    def start(self, interval_s: float = INTERVAL_S) -> None:
        """Run every `interval_s` seconds on a daemon thread until `stop()`; errors are logged, not raised."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(interval_s,), name="partnerbot-followups", daemon=True
        )
        self._thread.start()

    def _loop(self, interval_s: float) -> None:
        # A random first wait keeps processes started together from all polling at the same moment.
        wait = random.uniform(0, interval_s)
        while not self._stop.wait(wait):
            try:
                summary = self.run_once()
                if summary.sent or summary.failed or summary.retrying:
                    log.info("follow-ups: %s", summary)
            except (StorageError, SQLAlchemyError) as exc:  # the database is away: the next round tries again
                log.warning(
                    "follow-ups: the database did not answer (%s); trying again in %.0f s",
                    type(exc).__name__,
                    interval_s,
                )
            except Exception:  # a bug: reported, and the next round still runs
                log.exception("follow-up round failed; trying again in %.0f s", interval_s)
            wait = interval_s

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the follow-up being sent (if any); never in the middle of one."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
