"""Outcome figures without joins: sector flags and folded search text on outcomes, and the outcome's
team, status and deleted mark repeated on its factor rows. Replaces the outcome_sectors table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SECTORS = ("nonprofit", "industry", "government")


def _fold(*parts: str) -> str:
    """Frozen copy of the search folding at the time of this migration."""
    return unicodedata.normalize("NFKC", "\n".join(parts)).casefold()


def upgrade() -> None:
    for sector in SECTORS:
        op.add_column("outcomes", sa.Column(sector, sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("outcomes", sa.Column("search_text", sa.Text(), nullable=False, server_default=""))

    outcomes = sa.table(
        "outcomes",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("partners", sa.JSON),
        sa.column("lesson", sa.Text),
        sa.column("search_text", sa.Text),
        *(sa.column(sector, sa.Boolean) for sector in SECTORS),
    )
    sectors = sa.table("outcome_sectors", sa.column("outcome_id", sa.Integer), sa.column("sector", sa.String))
    op.execute(
        outcomes.update().values(
            {
                sector: sa.exists().where(sectors.c.outcome_id == outcomes.c.id, sectors.c.sector == sector)
                for sector in SECTORS
            }
        )
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(outcomes.c.id, outcomes.c.name, outcomes.c.partners, outcomes.c.lesson)
    ).all()
    folded = [
        {"row_id": outcome_id, "folded": _fold(name, *(json.loads(p) if isinstance(p, str) else p), lesson)}
        for outcome_id, name, p, lesson in rows
    ]
    if folded:
        connection.execute(
            outcomes.update()
            .where(outcomes.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("folded")),
            folded,
        )
    op.drop_index("ix_outcome_sectors_sector", table_name="outcome_sectors")
    op.drop_table("outcome_sectors")
    op.drop_index("ix_outcomes_team_status", table_name="outcomes")
    op.create_index("ix_outcomes_team_figures", "outcomes", ["team_id", "deleted_at", "status", *SECTORS])

    op.drop_index("ix_outcome_factors_factor", table_name="outcome_factors")
    op.rename_table("outcome_factors", "outcome_factors_0001")
    op.create_table(
        "outcome_factors",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("factor_id", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("outcome_id", "factor_id", name="pk_outcome_factors"),
        sa.ForeignKeyConstraint(
            ["team_id", "outcome_id"],
            ["outcomes.team_id", "outcomes.id"],
            name="fk_outcome_factors_outcome",
            ondelete="CASCADE",
        ),
    )
    op.execute(
        "INSERT INTO outcome_factors (outcome_id, factor_id, position, team_id, status, deleted) "
        "SELECT f.outcome_id, f.factor_id, f.position, o.team_id, o.status, o.deleted_at IS NOT NULL "
        "FROM outcome_factors_0001 f JOIN outcomes o ON o.id = f.outcome_id"
    )
    op.drop_table("outcome_factors_0001")
    op.create_index("ix_outcome_factors_factor", "outcome_factors", ["factor_id", "outcome_id"])
    op.create_index(
        "ix_outcome_factors_team_figures", "outcome_factors", ["team_id", "deleted", "factor_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_outcome_factors_team_figures", table_name="outcome_factors")
    op.drop_index("ix_outcome_factors_factor", table_name="outcome_factors")
    op.rename_table("outcome_factors", "outcome_factors_0002")
    op.create_table(
        "outcome_factors",
        sa.Column("outcome_id", sa.Integer(), primary_key=True),
        sa.Column("factor_id", sa.String(60), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["outcomes.id"], name="fk_outcome_factors_outcome", ondelete="CASCADE"
        ),
    )
    op.execute(
        "INSERT INTO outcome_factors (outcome_id, factor_id, position) "
        "SELECT outcome_id, factor_id, position FROM outcome_factors_0002"
    )
    op.drop_table("outcome_factors_0002")
    op.create_index("ix_outcome_factors_factor", "outcome_factors", ["factor_id", "outcome_id"])

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
    for sector in SECTORS:
        op.execute(
            f"INSERT INTO outcome_sectors (outcome_id, sector) SELECT id, '{sector}' FROM outcomes WHERE {sector}"
        )
    op.drop_index("ix_outcomes_team_figures", table_name="outcomes")
    op.create_index("ix_outcomes_team_status", "outcomes", ["team_id", "status"])
    _drop_columns("outcomes", [*SECTORS, "search_text"])


def _drop_columns(table: str, columns: list[str]) -> None:
    bind: Any = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+); a batch rebuild would cascade-delete child rows.
        for column in columns:
            op.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
    else:
        for column in columns:
            op.drop_column(table, column)
