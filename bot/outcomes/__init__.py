"""Partnership outcome logs: how partnerships turned out, what mattered, and what a team learned."""

from bot.outcomes.models import (
    AuditEntry,
    ImportReport,
    OutcomeImportError,
    OutcomeIn,
    OutcomeInputError,
    OutcomeRecord,
    OutcomeStats,
)
from bot.outcomes.service import OutcomeNotFound, OutcomeService
from bot.outcomes.transfer import FileFormatError

__all__ = [
    "AuditEntry",
    "FileFormatError",
    "ImportReport",
    "OutcomeImportError",
    "OutcomeIn",
    "OutcomeInputError",
    "OutcomeNotFound",
    "OutcomeRecord",
    "OutcomeService",
    "OutcomeStats",
]
