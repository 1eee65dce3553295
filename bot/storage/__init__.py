"""Persistence: SQLite by default, PostgreSQL in production, schema owned by Alembic migrations.

Every repository scopes reads and writes to one team (Slack workspace); nothing here imports Slack.
"""

from bot.storage.db import Database, open_database
from bot.storage.errors import ConcurrentUpdateError, DatabaseUnavailable, RecordNotFound, StorageError

__all__ = [
    "ConcurrentUpdateError",
    "Database",
    "DatabaseUnavailable",
    "RecordNotFound",
    "StorageError",
    "open_database",
]
