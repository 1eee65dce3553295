"""Follow-ups some days after advice, and two indexes for learning from outcomes: outcomes by the
interview they followed, and a team's latest audit entries (what changed since a search index was built).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("ask", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim_token", sa.String(64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("message_ref", sa.String(128), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", "interview_id", "ask", name="uq_followups_interview_ask"),
        sa.ForeignKeyConstraint(
            ["team_id", "interview_id"],
            ["interviews.team_id", "interviews.id"],
            name="fk_followups_interview",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'closed', 'declined', 'failed')",
            name="ck_followups_status",
        ),
        sa.CheckConstraint("surface IN ('dm', 'thread', 'terminal')", name="ck_followups_surface"),
    )
    op.create_index("ix_followups_status_due", "followups", ["status", "due_at"])
    op.create_index("ix_outcomes_team_interview", "outcomes", ["team_id", "interview_id"])
    op.create_index("ix_outcome_audit_team_at", "outcome_audit", ["team_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_outcome_audit_team_at", table_name="outcome_audit")
    op.drop_index("ix_outcomes_team_interview", table_name="outcomes")
    op.drop_index("ix_followups_status_due", table_name="followups")
    op.drop_table("followups")
