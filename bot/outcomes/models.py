"""What an outcome log is allowed to contain, checked at the edge against the knowledge base.

`OutcomeIn` is the one gate for every way in (command line, Slack, import): an unknown factor id,
sector or status, an oversized lesson or an empty name is refused with a message naming the field,
before anything touches the database.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from bot.kb.loader import KnowledgeBase
from bot.kb.models import FactorKind, PartnershipStatus, Region, Sector

NAME_MAX = 200
PARTNER_MAX = 200
PARTNERS_MAX = 50
LESSON_MAX = 20_000
USER_MAX = 64
SECTOR_ORDER = list(Sector)
# What a status means for the stats: the seed study learned risks from struggling (including failed)
# partnerships and strengths from successful ones.
STRUGGLING = frozenset({PartnershipStatus.struggling, PartnershipStatus.failed})


class OutcomeInputError(ValueError):
    """Input that cannot be stored; `problems` holds (field, message) pairs, the message names them all."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))

    @property
    def fields(self) -> list[str]:
        return [field for field, _ in self.problems]


def _choices(enum: type[Any]) -> str:
    return ", ".join(member.value for member in enum)


def _split(value: Any, separators: str) -> Any:
    """A list may arrive as one string (a CSV cell, a command-line flag): split it on the separators.
    Blank items are dropped, so an empty cell or `--partner ""` means none."""
    if isinstance(value, str):
        value = re.split(f"[{separators}]", value)
    if isinstance(value, list):
        return [part.strip() if isinstance(part, str) else part for part in value if not _blank(part)]
    return value


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _knowledge(info: ValidationInfo) -> KnowledgeBase:
    kb = (info.context or {}).get("kb")
    if kb is None:
        from bot.kb.loader import get_knowledge

        kb = get_knowledge()
    return kb


class OutcomeIn(BaseModel):
    """A partnership outcome as someone logs or edits it. Validate with `validate_outcome(data, kb)`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(description="the partnership's name")
    partners: list[str] = Field(default_factory=list, description="partner organisations (optional)")
    sectors: list[Sector] = Field(
        description="partner sectors: one or more of nonprofit, industry, government"
    )
    region: Region
    status: PartnershipStatus
    factors: list[str] = Field(
        default_factory=list, description="negative and success factor ids that mattered"
    )
    lesson: str = Field(default="", description="the lesson learned, free text")
    interview_id: int | None = Field(default=None, ge=1, description="the interview that preceded it, if any")
    anonymous: bool = Field(default=False, description="hide who logged it from everyone else")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        if len(value) > NAME_MAX:
            raise ValueError(f"is too long ({len(value)} characters; at most {NAME_MAX})")
        if "\n" in value or "\r" in value:
            raise ValueError("must be one line")
        return value

    @field_validator("partners", mode="before")
    @classmethod
    def _partners_before(cls, value: Any) -> Any:
        return _split(value, ";\n")

    @field_validator("partners")
    @classmethod
    def _partners(cls, value: list[str]) -> list[str]:
        if len(value) > PARTNERS_MAX:
            raise ValueError(f"at most {PARTNERS_MAX} partner organisations")
        cleaned: list[str] = []
        for partner in value:
            if not partner:
                raise ValueError("a partner organisation's name must not be empty")
            if len(partner) > PARTNER_MAX:
                raise ValueError(f"'{partner[:40]}...' is too long (at most {PARTNER_MAX} characters)")
            if ";" in partner or "\n" in partner or "\r" in partner:
                raise ValueError(f"'{partner}' may not contain ';' or a line break (they separate partners)")
            if partner not in cleaned:
                cleaned.append(partner)
        return cleaned

    @field_validator("sectors", mode="before")
    @classmethod
    def _sectors_before(cls, value: Any) -> Any:
        value = _split(value, ";,+\\s")
        if isinstance(value, list):
            for item in value:
                if str(item).strip().lower() not in {s.value for s in Sector}:
                    raise ValueError(f"'{item}' is not a sector (choose from {_choices(Sector)})")
            return [str(item).strip().lower() for item in value]
        return value

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, value: list[Sector]) -> list[Sector]:
        if not value:
            raise ValueError(f"name at least one sector ({_choices(Sector)})")
        return sorted(set(value), key=SECTOR_ORDER.index)

    @field_validator("region", mode="before")
    @classmethod
    def _region_before(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() not in {r.value for r in Region}:
            raise ValueError(f"'{value}' is not a region (choose from {_choices(Region)})")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("status", mode="before")
    @classmethod
    def _status_before(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() not in {s.value for s in PartnershipStatus}:
            raise ValueError(f"'{value}' is not a status (choose from {_choices(PartnershipStatus)})")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("factors", mode="before")
    @classmethod
    def _factors_before(cls, value: Any) -> Any:
        return _split(value, ";,\\s")

    @field_validator("factors")
    @classmethod
    def _factors(cls, value: list[str], info: ValidationInfo) -> list[str]:
        kb = _knowledge(info)
        known: list[str] = []
        for factor_id in value:
            factor_id = factor_id.lower()
            if factor_id not in kb.factors:
                close = difflib.get_close_matches(factor_id, list(kb.factors), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else " (see `partnerbot factor --list`)"
                raise ValueError(f"unknown factor id '{factor_id}'{hint}")
            if factor_id not in known:
                known.append(factor_id)
        return known

    @field_validator("lesson")
    @classmethod
    def _lesson(cls, value: str) -> str:
        if len(value) > LESSON_MAX:
            raise ValueError(f"is too long ({len(value)} characters; at most {LESSON_MAX})")
        return value

    @field_validator("anonymous", mode="before")
    @classmethod
    def _anonymous_before(cls, value: Any) -> Any:
        return False if value in ("", None) else value

    @field_validator("interview_id", mode="before")
    @classmethod
    def _interview_before(cls, value: Any) -> Any:
        return None if value == "" else value


class OutcomeImportRow(OutcomeIn):
    """One row of an export file: an outcome plus who logged it and when (an `id` column is ignored)."""

    id: int | str | None = None
    logged_by: str | None = Field(default=None, max_length=USER_MAX)
    logged_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("logged_by", "logged_at", "updated_at", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("logged_at", "updated_at")
    @classmethod
    def _as_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def validate_outcome(data: Any, kb: KnowledgeBase, model: type[OutcomeIn] = OutcomeIn) -> OutcomeIn:
    """Validate against this knowledge base; raise `OutcomeInputError` naming every bad field."""
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=False)
    try:
        return model.model_validate(data, context={"kb": kb})
    except ValidationError as exc:
        raise OutcomeInputError(_problems(exc)) from None


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "outcome"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is required"
        elif error["type"] == "extra_forbidden":
            message = "is not a known field"
        if field not in {f for f, _ in problems}:
            problems.append((field, message))
    return problems


class OutcomeRecord(BaseModel):
    """A stored outcome as a given person may see it (`logged_by` is None when hidden from them)."""

    model_config = ConfigDict(frozen=True)

    id: int
    team_id: str
    name: str
    partners: list[str]
    sectors: list[Sector]
    region: Region
    status: PartnershipStatus
    factors: list[str]
    lesson: str
    interview_id: int | None
    logged_by: str | None
    anonymous: bool
    logged_at: datetime
    updated_at: datetime

    def editable(self) -> dict[str, Any]:
        """The fields `OutcomeIn` accepts, as they are now (the starting point of an edit)."""
        return self.model_dump(mode="json", include=set(OutcomeIn.model_fields))


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: str
    actor: str | None
    at: datetime
    changes: dict[str, Any]


class FactorCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: FactorKind | None
    struggling_or_failed: int
    successful: int
    total: int


class OutcomeStats(BaseModel):
    """A team's outcome figures laid out like the seed study's own summary table."""

    model_config = ConfigDict(frozen=True)

    total: int
    sectors: dict[Sector, int]
    spans: dict[int, int]
    statuses: dict[PartnershipStatus, int]
    struggling_factors: list[FactorCount]
    successful_factors: list[FactorCount]


class RowProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportReport(BaseModel):
    imported: int = 0
    skipped: int = 0
    problems: list[RowProblem] = Field(default_factory=list)
    warnings: list[RowProblem] = Field(default_factory=list)


class OutcomeImportError(ValueError):
    """A file with bad rows: nothing was imported. `report.problems` lists every bad row."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        count = len(report.problems)
        super().__init__(
            f"{count} bad row{'s' if count != 1 else ''}; nothing imported (use --skip-invalid to import the rest)"
        )
