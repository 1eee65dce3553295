"""Where a terminal interview lives between answers: the same database the Slack app uses.

The record is created with the first answer (starting and leaving at once stores nothing) and saved
after every step, so an interrupted or killed chat loses nothing that was answered.
"""

from __future__ import annotations

import getpass
import os

from bot.advice.models import AdviceReport
from bot.interview.state import InterviewState
from bot.kb.loader import KnowledgeBase
from bot.storage.db import Database
from bot.storage.interviews import InterviewRecord, InterviewRepository

SURFACE = "terminal"


def terminal_user() -> str:
    """The OS user name: terminal interviews are kept per person on this machine."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "local"


class TerminalStore:
    def __init__(self, db: Database, team_id: str, user_id: str | None = None) -> None:
        self.db = db
        self.repo = InterviewRepository(db)
        self.team_id = team_id
        self.user_id = user_id or terminal_user()
        self.record: InterviewRecord | None = None

    def latest_open(self) -> InterviewRecord | None:
        return self.repo.latest_open(self.team_id, self.user_id, surface=SURFACE)

    def attach(self, record: InterviewRecord) -> None:
        self.record = record

    def save(self, state: InterviewState, *, finished: bool = False) -> None:
        data = state.model_dump(mode="json")
        status = "finished" if finished else None
        if self.record is None:
            self.record = self.repo.create(team_id=self.team_id, user_id=self.user_id, surface=SURFACE, state=data)
            if not finished:
                return
        self.record = self.repo.save(
            self.team_id, self.record.id, data, expected_version=self.record.version, status=status
        )

    def abandon(self) -> None:
        """Close the stored interview when the person starts over."""
        if self.record is not None:
            self.repo.save(
                self.team_id, self.record.id, self.record.state, expected_version=self.record.version,
                status="abandoned",
            )
            self.record = None

    def record_advice(self, report: AdviceReport, *, followup_days: int | None = None) -> None:
        """Store the advice and schedule the follow-up (`partnerbot followups` lists it once due)."""
        if self.record is None:
            return
        from bot.followups import schedule_after_advice
        from bot.settings import get_settings
        from bot.storage.advice import AdviceRepository

        AdviceRepository(self.db).record(self.team_id, self.record.id, report.factor_hits())
        schedule_after_advice(self.db, team_id=self.team_id, interview_id=self.record.id, user_id=self.user_id,
                              surface=SURFACE, title=report.description or "",
                              days=followup_days or get_settings().followup_days)

    def with_history(self, report: AdviceReport, kb: KnowledgeBase) -> AdviceReport:
        """The report with the team's logged outcomes that resemble this partnership."""
        from bot.outcomes.similar import with_team_history

        return with_team_history(report, self.db, kb, self.team_id,
                                 interview_id=self.record.id if self.record else None, viewer=self.user_id)
