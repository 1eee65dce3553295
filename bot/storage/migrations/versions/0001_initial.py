"""Initial schema: interviews, advice given, outcome logs with their audit trail, processed events.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import JSONDocument, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=True),
        sa.Column("thread_ts", sa.String(64), nullable=True),
        sa.Column("state", JSONDocument, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", "id", name="uq_interviews_team_id_id"),
        sa.CheckConstraint("surface IN ('dm', 'thread', 'terminal')", name="ck_interviews_surface"),
        sa.CheckConstraint("status IN ('open', 'finished', 'abandoned')", name="ck_interviews_status"),
    )
    op.create_index("ix_interviews_team_user_status", "interviews", ["team_id", "user_id", "status"])
    op.create_index("ix_interviews_team_thread", "interviews", ["team_id", "channel_id", "thread_ts"])

    op.create_table(
        "advice",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "interview_id"],
            ["interviews.team_id", "interviews.id"],
            name="fk_advice_interview",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_advice_team_interview", "advice", ["team_id", "interview_id"])

    op.create_table(
        "advice_hits",
        sa.Column("advice_id", sa.Integer(), primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("factor_id", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["advice_id"], ["advice.id"], name="fk_advice_hits_advice", ondelete="CASCADE"
        ),
        sa.CheckConstraint("kind IN ('negative', 'success')", name="ck_advice_hits_kind"),
    )
    op.create_index("ix_advice_hits_factor", "advice_hits", ["factor_id"])

    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("partners", JSONDocument, nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("lesson", sa.Text(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("logged_by", sa.String(64), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("logged_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("team_id", "id", name="uq_outcomes_team_id_id"),
        sa.ForeignKeyConstraint(
            ["team_id", "interview_id"], ["interviews.team_id", "interviews.id"], name="fk_outcomes_interview"
        ),
        sa.CheckConstraint(
            "status IN ('successful', 'struggling', 'failed', 'potential-unexplored', "
            "'potential-undeveloped', 'ongoing')",
            name="ck_outcomes_status",
        ),
        sa.CheckConstraint(
            "region IN ('asia-pacific', 'eu-plus', 'north-america', 'other')", name="ck_outcomes_region"
        ),
    )
    op.create_index("ix_outcomes_team_logged", "outcomes", ["team_id", "logged_at"])
    op.create_index("ix_outcomes_team_status", "outcomes", ["team_id", "status"])

    op.create_table(
        "outcome_sectors",
        sa.Column("outcome_id", sa.Integer(), primary_key=True),
        sa.Column("sector", sa.String(16), primary_key=True),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["outcomes.id"], name="fk_outcome_sectors_outcome", ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "sector IN ('nonprofit', 'industry', 'government')", name="ck_outcome_sectors_sector"
        ),
    )
    op.create_index("ix_outcome_sectors_sector", "outcome_sectors", ["sector", "outcome_id"])

    op.create_table(
        "outcome_factors",
        sa.Column("outcome_id", sa.Integer(), primary_key=True),
        sa.Column("factor_id", sa.String(60), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["outcomes.id"], name="fk_outcome_factors_outcome", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_outcome_factors_factor", "outcome_factors", ["factor_id", "outcome_id"])

    op.create_table(
        "outcome_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("changes", JSONDocument, nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "outcome_id"],
            ["outcomes.team_id", "outcomes.id"],
            name="fk_outcome_audit_outcome",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "action IN ('created', 'edited', 'deleted', 'imported')", name="ck_outcome_audit_action"
        ),
    )
    op.create_index("ix_outcome_audit_team_outcome", "outcome_audit", ["team_id", "outcome_id"])

    op.create_table(
        "processed_events",
        sa.Column("event_key", sa.String(255), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_processed_events_created", "processed_events", ["created_at"])


def downgrade() -> None:
    for table in (
        "processed_events",
        "outcome_audit",
        "outcome_factors",
        "outcome_sectors",
        "outcomes",
        "advice_hits",
        "advice",
        "interviews",
    ):
        op.drop_table(table)
