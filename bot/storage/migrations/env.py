"""Alembic environment: always run by `bot.storage.db` on a connection it already holds (and locks)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.storage.tables  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `partnerbot db upgrade`, which opens the database first")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
