"""The advice report as data: every renderer (terminal, Markdown, JSON, Slack) draws from this."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

EvidenceSource = Literal["answer", "confirmed", "free text"]
COMPOSITE_LABEL = "Illustrative composite"
DISCLAIMER = (
    "This is decision support, not a verdict: it weighs only what you told it. Talk it through with your "
    "partners and colleagues before you decide."
)


class Citation(BaseModel):
    key: str
    text: str
    url: str | None = None


class Evidence(BaseModel):
    """Why a factor was raised: the answer or the words that triggered it."""

    question_id: str
    question: str
    answer: str
    source: EvidenceSource


class LessonNote(BaseModel):
    id: str
    title: str
    what_happened: str
    lesson: str
    label: str = COMPOSITE_LABEL


class RiskItem(BaseModel):
    id: str
    name: str
    summary: str
    score: float = Field(ge=0.0, le=1.0)
    level: Literal["serious", "notable", "worth watching"]
    evidence: list[Evidence]
    what_to_do: list[str]
    lesson: LessonNote | None = None
    sources: list[str] = Field(description="source keys; full citations in the report's sources")


class StrengthItem(BaseModel):
    id: str
    name: str
    summary: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence]
    how_to_use: list[str]


class UnknownItem(BaseModel):
    """A question the interview could not settle: something to ask the partner or check."""

    question_id: str
    question: str
    status: Literal["don't know", "skipped", "not asked"]
    factors: list[str]
    ask: list[str]


class DecisionStatus(StrEnum):
    go_ahead = "go-ahead"
    go_ahead_with_adjustments = "go-ahead-with-adjustments"
    explore_further = "explore-further"
    reconsider = "reconsider"

    @property
    def label(self) -> str:
        return {
            "go-ahead": "Go ahead",
            "go-ahead-with-adjustments": "Go ahead with adjustments",
            "explore-further": "Explore further",
            "reconsider": "Reconsider",
        }[self.value]


class Decision(BaseModel):
    status: DecisionStatus
    label: str
    reason: str
    confidence: Literal["high", "medium", "low"]
    confidence_reason: str
    disclaimer: str = DISCLAIMER


class SectorRisk(BaseModel):
    id: str
    name: str
    flagged: bool = Field(description="this risk also came up in the interview")


class SectorView(BaseModel):
    sectors: list[str]
    note: str
    risks: list[SectorRisk]


class HistoryGroup(BaseModel):
    """How the team's logged partnerships that shared one flagged factor (and a sector) turned out."""

    factor_id: str
    factor_name: str
    sector: str | None = Field(default=None, description="only partnerships with a partner of this sector")
    total: int
    struggling_or_failed: int = 0
    successful: int = 0
    ongoing: int = 0
    never_started: int = Field(default=0, description="potential partnerships, unexplored or undeveloped")


class PastPartnership(BaseModel):
    """One of the team's logged outcomes that resembles this partnership."""

    outcome_id: int
    name: str
    year: int
    status: str
    sectors: list[str]
    shared_factors: list[str] = Field(default_factory=list, description="names of factors flagged here too")
    lesson: str = ""
    logged_by: str | None = Field(default=None, description="None when the person chose to stay anonymous")


class TeamHistory(BaseModel):
    """The team's own logged outcomes, set beside this advice."""

    outcomes_logged: int
    groups: list[HistoryGroup] = Field(default_factory=list)
    similar: list[PastPartnership] = Field(default_factory=list, description="most alike first")


class AdviceReport(BaseModel):
    description: str | None = None
    stage: str | None = None
    sectors: list[str] = Field(default_factory=list)
    risks: list[RiskItem] = Field(default_factory=list, description="top risks, most pressing first (max 5)")
    strengths: list[StrengthItem] = Field(default_factory=list, description="max 3")
    unknowns: list[UnknownItem] = Field(default_factory=list)
    decision: Decision
    sector_view: SectorView | None = None
    team_history: TeamHistory | None = Field(default=None, description="the team's logged outcomes like this one")
    sources: list[Citation] = Field(default_factory=list)
    questions_answered: int = 0
    questions_open: int = 0
    finished: bool = True

    def factor_hits(self) -> list[dict[str, object]]:
        """The risks and strengths as stored with an interview (`AdviceRepository.record`)."""
        hits: list[dict[str, object]] = [{"id": r.id, "kind": "negative", "score": r.score} for r in self.risks]
        hits += [{"id": s.id, "kind": "success", "score": s.score} for s in self.strengths]
        return hits
