"""What listeners need beyond Slack itself, built once per app and handed to them through the context.

Only ids and handles live here; every piece of conversation state is read from and written to the
database on each request, so any process can serve the next click.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bot.interview.engine import InterviewEngine
from bot.interview.flow import load_flow
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.settings import Settings
from bot.storage.advice import AdviceRepository
from bot.storage.db import Database
from bot.storage.events import ProcessedEventRepository
from bot.storage.interviews import InterviewRepository

if TYPE_CHECKING:
    from slack_bolt import BoltContext

CONTEXT_KEY = "partnerbot"


@dataclass
class SlackServices:
    settings: Settings
    db: Database
    kb: KnowledgeBase

    @cached_property
    def engine(self) -> InterviewEngine:
        """The interview engine over the knowledge directory's flow (stateless, shared by all requests)."""
        return InterviewEngine(load_flow(self.kb), self.kb)

    def processed_events(self) -> ProcessedEventRepository:
        return ProcessedEventRepository(self.db)

    def interviews(self) -> InterviewRepository:
        return InterviewRepository(self.db)

    def advice(self) -> AdviceRepository:
        return AdviceRepository(self.db)

    def outcomes(self, team_id: str) -> OutcomeService:
        return OutcomeService(self.db, self.kb, team_id)


def services_of(context: BoltContext) -> SlackServices:
    return context[CONTEXT_KEY]


def team_of(context: BoltContext, body: dict | None = None) -> str:
    """The workspace a request belongs to: our tenant key in every table."""
    team = context.team_id or context.enterprise_id
    if not team and body:
        team = (body.get("team") or {}).get("id") or body.get("team_id")
    return str(team or "unknown")
