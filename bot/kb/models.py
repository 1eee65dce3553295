"""The knowledge base's shapes: what every factor, lesson and source file must hold.

Validation lives here, in one place, so a broken file fails the same way whether it is ours or a
team's own knowledge directory.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

FactorId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=60)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Sector(StrEnum):
    nonprofit = "nonprofit"
    industry = "industry"
    government = "government"


class Region(StrEnum):
    asia_pacific = "asia-pacific"
    eu_plus = "eu-plus"
    north_america = "north-america"
    other = "other"


class PartnershipStatus(StrEnum):
    successful = "successful"
    struggling = "struggling"
    failed = "failed"
    potential_unexplored = "potential-unexplored"
    potential_undeveloped = "potential-undeveloped"
    ongoing = "ongoing"


class Stage(StrEnum):
    idea = "idea"
    exploring = "exploring"
    negotiating = "negotiating"
    running = "running"


class FactorKind(StrEnum):
    negative = "negative"
    success = "success"


class StrictModel(BaseModel):
    """Knowledge files are hand-written: an unknown field is a typo, and loaded data never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class TaxonomyEntry(StrictModel):
    """A fixed id from the taxonomy contract: the knowledge base must carry it exactly."""

    id: FactorId
    kind: FactorKind
    complements: FactorId
    sources: list[NonEmpty] = Field(min_length=1)


class Factor(StrictModel):
    """One negative (risk) or success factor, with our own writing about it."""

    id: FactorId
    kind: FactorKind
    name: NonEmpty
    category: NonEmpty
    complements: FactorId
    sources: list[NonEmpty] = Field(min_length=1)
    summary: NonEmpty
    description: NonEmpty
    warning_signs: list[NonEmpty] = Field(min_length=3)
    probing_questions: list[NonEmpty] = Field(min_length=2)
    what_to_do: list[NonEmpty] = Field(min_length=3)
    sectors: list[Sector] = Field(min_length=1, description="where this factor bites hardest")
    synonyms: list[NonEmpty] = Field(default_factory=list, description="short names people look it up by")
    triggers: list[NonEmpty] = Field(min_length=12, description="how managers actually say it")

    @field_validator("summary")
    @classmethod
    def _at_most_two_sentences(cls, value: str) -> str:
        sentences = [s for s in value.replace("?", ".").replace("!", ".").split(". ") if s.strip()]
        if len(sentences) > 2:
            raise ValueError("a summary has at most 2 sentences")
        return value


class Lesson(StrictModel):
    """An illustrative composite: a short scenario written by us, never a case from the study."""

    id: FactorId
    title: NonEmpty
    factors: list[FactorId] = Field(min_length=1)
    sectors: list[Sector] = Field(min_length=1)
    region: Region
    status: PartnershipStatus
    what_happened: NonEmpty
    lesson: NonEmpty
    composite: bool = True

    @field_validator("composite")
    @classmethod
    def _must_be_composite(cls, value: bool) -> bool:
        if not value:
            raise ValueError("lessons are illustrative composites; real cases belong in outcome logs")
        return value


class Source(StrictModel):
    key: NonEmpty
    authors: NonEmpty
    title: NonEmpty
    venue: NonEmpty
    year: int = Field(ge=1900, le=2100)
    doi: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _needs_doi_or_url(self) -> Source:
        if not (self.doi or self.url):
            raise ValueError("a source needs a DOI or a URL")
        return self

    def citation(self) -> str:
        where = f"doi:{self.doi}" if self.doi else (self.url or "")
        return f"{self.authors} ({self.year}). {self.title}. {self.venue}. {where}".strip()


class SectorMix(StrictModel):
    """Risks that typically bite when these sectors partner (the advice report's sector view)."""

    sectors: list[Sector] = Field(min_length=1)
    note: NonEmpty
    factors: list[FactorId] = Field(min_length=1)

