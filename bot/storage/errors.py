"""Errors the storage layer raises; callers catch these, never driver exceptions."""

from __future__ import annotations


class StorageError(RuntimeError):
    """Something went wrong talking to the database; the message says what, without secrets."""


class DatabaseUnavailable(StorageError):
    """The database could not be reached or opened (wrong URL, server down, unwritable folder)."""


class RecordNotFound(StorageError, LookupError):
    """No such record in this team (records of other teams are indistinguishable from missing ones)."""


class ConcurrentUpdateError(StorageError):
    """Someone else saved this record first; reload it, re-apply the change and save again."""

    def __init__(self, what: str, record_id: int, expected_version: int, actual_version: int) -> None:
        self.record_id = record_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{what} {record_id} was changed by someone else "
            f"(expected version {expected_version}, found {actual_version})"
        )
