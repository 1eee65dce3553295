"""The database tables. Their shape is owned by the Alembic migrations in `migrations/versions/`;
a test checks that these models and the migrated schema never drift apart.

Every table that holds a team's data carries `team_id`, and rows that point at another team-owned row
do so through a composite foreign key `(team_id, id)`, so the database itself refuses links across teams.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from bot.storage.types import JSONDocument, UTCDateTime, utcnow

TEAM_ID_LENGTH = 64
USER_ID_LENGTH = 64
NAME_LENGTH = 200


def _team_column() -> Any:
    return Field(sa_column=Column(String(TEAM_ID_LENGTH), nullable=False))


def _timestamp(nullable: bool = False) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=nullable))


class InterviewRow(SQLModel, table=True):
    """One interview, wherever it happens; `version` grows by one on every save (optimistic locking)."""

    __tablename__ = "interviews"
    __table_args__ = (
        UniqueConstraint("team_id", "id", name="uq_interviews_team_id_id"),
        CheckConstraint("surface IN ('dm', 'thread', 'terminal')", name="ck_interviews_surface"),
        CheckConstraint("status IN ('open', 'finished', 'abandoned')", name="ck_interviews_status"),
        Index("ix_interviews_team_user_status", "team_id", "user_id", "status"),
        Index("ix_interviews_team_thread", "team_id", "channel_id", "thread_ts"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    team_id: str = _team_column()
    user_id: str = Field(sa_column=Column(String(USER_ID_LENGTH), nullable=False))
    surface: str = Field(sa_column=Column(String(16), nullable=False))
    channel_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    thread_ts: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONDocument, nullable=False))
    status: str = Field(default="open", sa_column=Column(String(16), nullable=False))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class AdviceRow(SQLModel, table=True):
    """One piece of advice given at the end of an interview (its factors are in `advice_hits`)."""

    __tablename__ = "advice"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "interview_id"],
            ["interviews.team_id", "interviews.id"],
            name="fk_advice_interview",
            ondelete="CASCADE",
        ),
        Index("ix_advice_team_interview", "team_id", "interview_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    team_id: str = _team_column()
    interview_id: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = _timestamp()


class AdviceHitRow(SQLModel, table=True):
    """A factor the advice raised, with the matcher's score, to compare later with what happened."""

    __tablename__ = "advice_hits"
    __table_args__ = (
        CheckConstraint("kind IN ('negative', 'success')", name="ck_advice_hits_kind"),
        Index("ix_advice_hits_factor", "factor_id"),
    )

    advice_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("advice.id", name="fk_advice_hits_advice", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    rank: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    factor_id: str = Field(sa_column=Column(String(60), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    score: float = Field(sa_column=Column(Float, nullable=False))


class OutcomeRow(SQLModel, table=True):
    """How a partnership turned out, as a team logged it. Deleting sets `deleted_at` (soft delete)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("team_id", "id", name="uq_outcomes_team_id_id"),
        ForeignKeyConstraint(
            ["team_id", "interview_id"],
            ["interviews.team_id", "interviews.id"],
            name="fk_outcomes_interview",
        ),
        CheckConstraint(
            "status IN ('successful', 'struggling', 'failed', 'potential-unexplored', "
            "'potential-undeveloped', 'ongoing')",
            name="ck_outcomes_status",
        ),
        CheckConstraint(
            "region IN ('asia-pacific', 'eu-plus', 'north-america', 'other')", name="ck_outcomes_region"
        ),
        Index("ix_outcomes_team_logged", "team_id", "logged_at", "id"),  # newest first, ties by id
        Index("ix_outcomes_team_interview", "team_id", "interview_id"),  # what followed an interview's advice
        # Covers the stats: one pass over the index counts statuses, sectors and sector spans.
        Index(
            "ix_outcomes_team_figures",
            "team_id",
            "deleted_at",
            "status",
            "nonprofit",
            "industry",
            "government",
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    team_id: str = _team_column()
    name: str = Field(sa_column=Column(String(NAME_LENGTH), nullable=False))
    partners: list[str] = Field(default_factory=list, sa_column=Column(JSONDocument, nullable=False))
    # Partner sectors as three flags (the study's closed list): filters and figures need no join.
    nonprofit: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    industry: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    government: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    region: str = Field(sa_column=Column(String(32), nullable=False))
    status: str = Field(sa_column=Column(String(32), nullable=False))
    lesson: str = Field(default="", sa_column=Column(Text, nullable=False))
    # Name, partners and lesson, case-folded: text search behaves the same on SQLite and PostgreSQL.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    interview_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    logged_by: str | None = Field(default=None, sa_column=Column(String(USER_ID_LENGTH), nullable=True))
    anonymous: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    logged_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class OutcomeFactorRow(SQLModel, table=True):
    """A factor that mattered; `position` keeps the order the person named them in.

    `team_id`, `status` and `deleted` repeat the outcome's values (kept in step by the outcome
    repository, in the same transaction) so the factor figures are one indexed scan, not a join.
    """

    __tablename__ = "outcome_factors"
    __table_args__ = (
        PrimaryKeyConstraint("outcome_id", "factor_id", name="pk_outcome_factors"),
        ForeignKeyConstraint(
            ["team_id", "outcome_id"],
            ["outcomes.team_id", "outcomes.id"],
            name="fk_outcome_factors_outcome",
            ondelete="CASCADE",
        ),
        Index("ix_outcome_factors_factor", "factor_id", "outcome_id"),
        Index("ix_outcome_factors_team_figures", "team_id", "deleted", "factor_id", "status"),
    )

    outcome_id: int = Field(sa_column=Column(Integer, nullable=False))
    factor_id: str = Field(sa_column=Column(String(60), nullable=False))
    position: int = Field(sa_column=Column(Integer, nullable=False))
    team_id: str = _team_column()
    status: str = Field(sa_column=Column(String(32), nullable=False))
    deleted: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class OutcomeAuditRow(SQLModel, table=True):
    """Who changed an outcome log, when, and what changed (`changes`: field -> [before, after])."""

    __tablename__ = "outcome_audit"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "outcome_id"],
            ["outcomes.team_id", "outcomes.id"],
            name="fk_outcome_audit_outcome",
            ondelete="CASCADE",
        ),
        CheckConstraint(
            "action IN ('created', 'edited', 'deleted', 'imported')", name="ck_outcome_audit_action"
        ),
        Index("ix_outcome_audit_team_outcome", "team_id", "outcome_id"),
        Index("ix_outcome_audit_team_at", "team_id", "at"),  # what changed lately (similar-outcome search)
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    team_id: str = _team_column()
    outcome_id: int = Field(sa_column=Column(Integer, nullable=False))
    action: str = Field(sa_column=Column(String(16), nullable=False))
    actor: str | None = Field(default=None, sa_column=Column(String(USER_ID_LENGTH), nullable=True))
    at: datetime = _timestamp()
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONDocument, nullable=False))


class FollowupRow(SQLModel, table=True):
    """One "how is the partnership going?" message, due some days after an interview's advice.

    A scheduler claims a due row (status `sending`, with its own `claim_token`) before sending it, so
    each row is sent once however many processes run the scheduler; the next ask is a new row.
    """

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("team_id", "interview_id", "ask", name="uq_followups_interview_ask"),
        ForeignKeyConstraint(
            ["team_id", "interview_id"],
            ["interviews.team_id", "interviews.id"],
            name="fk_followups_interview",
            ondelete="CASCADE",
        ),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'closed', 'declined', 'failed')",
            name="ck_followups_status",
        ),
        CheckConstraint("surface IN ('dm', 'thread', 'terminal')", name="ck_followups_surface"),
        Index("ix_followups_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    team_id: str = _team_column()
    interview_id: int = Field(sa_column=Column(Integer, nullable=False))
    user_id: str = Field(sa_column=Column(String(USER_ID_LENGTH), nullable=False))
    surface: str = Field(sa_column=Column(String(16), nullable=False))
    ask: int = Field(default=1, sa_column=Column(Integer, nullable=False))  # 1 for the first ask, then 2, ...
    title: str = Field(default="", sa_column=Column(String(NAME_LENGTH), nullable=False))
    status: str = Field(default="pending", sa_column=Column(String(16), nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    claim_token: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    message_ref: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(NAME_LENGTH), nullable=True))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ProcessedEventRow(SQLModel, table=True):
    """An event key already handled; the primary key makes a second claim fail on any database."""

    __tablename__ = "processed_events"
    __table_args__ = (Index("ix_processed_events_created", "created_at"),)

    event_key: str = Field(sa_column=Column(String(255), primary_key=True))
    created_at: datetime = _timestamp()
