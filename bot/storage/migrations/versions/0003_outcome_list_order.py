"""The newest-first outcome list reads straight from an index: add the id tie-breaker to it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outcomes_team_logged", table_name="outcomes")
    op.create_index("ix_outcomes_team_logged", "outcomes", ["team_id", "logged_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outcomes_team_logged", table_name="outcomes")
    op.create_index("ix_outcomes_team_logged", "outcomes", ["team_id", "logged_at"])
