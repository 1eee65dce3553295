"""The outcome features, for the command line and Slack alike: one team, validated input, audited changes.

Whoever logged an outcome with `anonymous` set is shown only to themselves; everyone else (including
exports and the audit trail they read) sees no name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

from bot.kb.loader import KnowledgeBase
from bot.kb.models import PartnershipStatus, Sector
from bot.outcomes.models import (
    STRUGGLING,
    AuditEntry,
    FactorCount,
    ImportReport,
    OutcomeImportError,
    OutcomeImportRow,
    OutcomeIn,
    OutcomeInputError,
    OutcomeRecord,
    OutcomeStats,
    RowProblem,
    validate_outcome,
)
from bot.outcomes.repository import NewOutcome, OutcomeQuery, OutcomeRepository
from bot.outcomes.transfer import Format, export_row, read_rows, write_rows
from bot.storage.db import Database
from bot.storage.errors import RecordNotFound
from bot.storage.types import utcnow

LIST_LIMIT_MAX = 1000


class OutcomeNotFound(RecordNotFound):
    """No live outcome with this id in this team (deleted ones and other teams' look the same)."""

    def __init__(self, outcome_id: int) -> None:
        self.outcome_id = outcome_id
        super().__init__(f"no outcome {outcome_id} in this team")


class OutcomeService:
    def __init__(self, db: Database, kb: KnowledgeBase, team_id: str) -> None:
        self.kb = kb
        self.team_id = team_id
        self.repo = OutcomeRepository(db, team_id)

    # -- writing ---------------------------------------------------------------------------------

    def validate(self, data: Mapping[str, Any] | OutcomeIn) -> OutcomeIn:
        return validate_outcome(data, self.kb)

    def log(self, data: Mapping[str, Any] | OutcomeIn, *, user_id: str | None = None) -> OutcomeRecord:
        outcome = self.validate(data)
        self._check_interview(outcome.interview_id)
        now = utcnow()
        [record] = self.repo.insert([NewOutcome(outcome, user_id, now, now)], actor=user_id)
        return self._masked(record, user_id)

    def edit(
        self, outcome_id: int, changes: Mapping[str, Any], *, user_id: str | None = None
    ) -> OutcomeRecord:
        """Change some fields; the result is validated as a whole and the difference is audited."""
        current = self._stored(outcome_id)
        unknown = [field for field in changes if field not in OutcomeIn.model_fields]
        if unknown:
            raise OutcomeInputError([(field, "is not a field you can edit") for field in unknown])
        updated = self.validate({**current.editable(), **changes})
        if updated.anonymous != current.anonymous and current.logged_by not in (None, user_id):
            raise OutcomeInputError([("anonymous", "only the person who logged this outcome can change it")])
        if updated.interview_id != current.interview_id:
            self._check_interview(updated.interview_id)
        before = current.editable()
        after = updated.model_dump(mode="json")
        diff = {field: [before[field], after[field]] for field in after if before[field] != after[field]}
        if diff:
            try:
                self.repo.replace(outcome_id, updated, actor=user_id, changes=diff)
            except LookupError:
                raise OutcomeNotFound(outcome_id) from None
        return self.show(outcome_id, user_id=user_id)

    def delete(self, outcome_id: int, *, user_id: str | None = None) -> None:
        """Soft delete: the outcome disappears from every list and figure but stays in the audit trail."""
        try:
            self.repo.soft_delete(outcome_id, actor=user_id)
        except LookupError:
            raise OutcomeNotFound(outcome_id) from None

    def _check_interview(self, interview_id: int | None) -> None:
        if interview_id is not None and not self.repo.interview_exists(interview_id):
            raise OutcomeInputError([("interview_id", f"no interview {interview_id} in this team")])

    # -- reading ---------------------------------------------------------------------------------

    def show(self, outcome_id: int, *, user_id: str | None = None) -> OutcomeRecord:
        return self._masked(self._stored(outcome_id), user_id)

    def _stored(self, outcome_id: int) -> OutcomeRecord:
        record = self.repo.get(outcome_id)
        if record is None:
            raise OutcomeNotFound(outcome_id)
        return record

    def list(
        self,
        *,
        status: str | None = None,
        sector: str | None = None,
        factor: str | None = None,
        text: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
        user_id: str | None = None,
    ) -> list[OutcomeRecord]:
        """Newest first, filtered; every filter value is checked so a typo is an error, not an empty list."""
        if limit is not None and not 1 <= limit <= LIST_LIMIT_MAX:
            raise OutcomeInputError([("limit", f"must be between 1 and {LIST_LIMIT_MAX}")])
        if offset < 0:
            raise OutcomeInputError([("offset", "must not be negative")])
        query = self._query(status, sector, factor, text)
        return [self._masked(record, user_id) for record in self.repo.list(query, limit=limit, offset=offset)]

    def count(
        self,
        *,
        status: str | None = None,
        sector: str | None = None,
        factor: str | None = None,
        text: str | None = None,
    ) -> int:
        return self.repo.count(self._query(status, sector, factor, text))

    def _query(
        self, status: str | None, sector: str | None, factor: str | None, text: str | None
    ) -> OutcomeQuery:
        problems: list[tuple[str, str]] = []
        if status is not None and status not in {s.value for s in PartnershipStatus}:
            problems.append(
                ("status", f"'{status}' is not a status ({', '.join(s.value for s in PartnershipStatus)})")
            )
        if sector is not None and sector not in {s.value for s in Sector}:
            problems.append(("sector", f"'{sector}' is not a sector ({', '.join(s.value for s in Sector)})"))
        if factor is not None and factor not in self.kb.factors:
            problems.append(("factor", f"unknown factor id '{factor}'"))
        if problems:
            raise OutcomeInputError(problems)
        return OutcomeQuery(status=status, sector=sector, factor=factor, text=text or None)

    def history(self, outcome_id: int, *, user_id: str | None = None) -> list[AuditEntry]:
        record = self._stored(outcome_id)
        entries = self.repo.history(outcome_id)
        if record.anonymous and record.logged_by != user_id:
            entries = [
                entry.model_copy(update={"actor": None}) if entry.actor == record.logged_by else entry
                for entry in entries
            ]
        return entries

    @staticmethod
    def _masked(record: OutcomeRecord, user_id: str | None) -> OutcomeRecord:
        if record.anonymous and record.logged_by is not None and record.logged_by != user_id:
            return record.model_copy(update={"logged_by": None})
        return record

    # -- files -----------------------------------------------------------------------------------

    def export(self, out: TextIO, fmt: Format = "csv", *, user_id: str | None = None) -> int:
        """Write every live outcome of the team; returns how many."""
        rows = (export_row(self._masked(record, user_id)) for record in self.repo.iter_all())
        return write_rows(rows, out, fmt)

    def import_(
        self, text: str, fmt: Format = "csv", *, skip_invalid: bool = False, user_id: str | None = None
    ) -> ImportReport:
        """Validate every row first; with any bad row nothing is written unless `skip_invalid`.

        Raises `FileFormatError` for a file that cannot be read as rows and `OutcomeImportError` (with
        every bad row's line and reason) when rows are bad and `skip_invalid` is not set.
        """
        report = ImportReport()
        rows: list[tuple[int, OutcomeImportRow, bool]] = []
        for line, raw in read_rows(text, fmt):
            try:
                row = validate_outcome(raw, self.kb, OutcomeImportRow)
            except OutcomeInputError as exc:
                report.problems.append(RowProblem(line=line, message=str(exc)))
                continue
            assert isinstance(row, OutcomeImportRow)
            rows.append((line, row, "logged_by" in raw))
        if report.problems and not skip_invalid:
            raise OutcomeImportError(report)
        linked = self.repo.existing_interviews({row.interview_id for _, row, _ in rows if row.interview_id})
        items: list[NewOutcome] = []
        now = utcnow()
        for line, row, has_logger in rows:
            if row.interview_id is not None and row.interview_id not in linked:
                report.warnings.append(
                    RowProblem(
                        line=line,
                        message=f"interview_id: no interview {row.interview_id} in this team; link dropped",
                    )
                )
                row = row.model_copy(update={"interview_id": None})
            data = OutcomeIn.model_validate(
                row.model_dump(include=set(OutcomeIn.model_fields)), context={"kb": self.kb}
            )
            logged_at = row.logged_at or now
            items.append(
                NewOutcome(
                    data, row.logged_by if has_logger else user_id, logged_at, row.updated_at or logged_at
                )
            )
        if items:
            self.repo.insert(items, actor=user_id, action="imported")
        report.imported = len(items)
        report.skipped = len(report.problems)
        return report

    # -- figures ---------------------------------------------------------------------------------

    def stats(self, *, top: int = 10) -> OutcomeStats:
        """The seed study's summary for this team's logs: sectors involved, sectors spanned, status, and
        the factors most often logged with struggling or failed versus successful partnerships."""
        statuses: dict[str, int] = {}
        sectors: dict[str, int] = {}
        spans: dict[int, int] = {}
        for status, flags, count in self.repo.figure_counts():
            statuses[status] = statuses.get(status, 0) + count
            for sector, flag in zip(Sector, flags, strict=True):
                if flag:
                    sectors[sector.value] = sectors.get(sector.value, 0) + count
            spans[sum(flags)] = spans.get(sum(flags), 0) + count
        tallies: dict[str, dict[str, int]] = {}
        for factor_id, status, count in self.repo.factor_status_counts():
            tally = tallies.setdefault(factor_id, {"struggling": 0, "successful": 0, "total": 0})
            tally["total"] += count
            if status in STRUGGLING:
                tally["struggling"] += count
            elif status == PartnershipStatus.successful:
                tally["successful"] += count
        counts = [self._factor_count(factor_id, tally) for factor_id, tally in tallies.items()]
        struggling = sorted(
            (c for c in counts if c.struggling_or_failed), key=lambda c: (-c.struggling_or_failed, c.id)
        )
        successful = sorted((c for c in counts if c.successful), key=lambda c: (-c.successful, c.id))
        return OutcomeStats(
            total=sum(statuses.values()),
            sectors={sector: sectors.get(sector.value, 0) for sector in Sector},
            spans={span: spans.get(span, 0) for span in range(1, len(Sector) + 1)},
            statuses={status: statuses.get(status.value, 0) for status in PartnershipStatus},
            struggling_factors=struggling[:top],
            successful_factors=successful[:top],
        )

    def _factor_count(self, factor_id: str, tally: dict[str, int]) -> FactorCount:
        factor = self.kb.factors.get(factor_id)
        return FactorCount(
            id=factor_id,
            name=factor.name if factor else factor_id,
            kind=factor.kind if factor else None,
            struggling_or_failed=tally["struggling"],
            successful=tally["successful"],
            total=tally["total"],
        )
