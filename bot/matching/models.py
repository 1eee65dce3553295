"""What the matcher returns: the factors present in a text, with a score and the evidence."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.kb.models import FactorKind


class FactorHit(BaseModel):
    id: str
    kind: FactorKind
    score: float = Field(ge=0.0, le=1.0)
    evidence: str = Field(description="the span of the input text that matched")
    start: int = Field(ge=0, description="character offset of the evidence in the input")
    end: int = Field(ge=0)


class MatchResult(BaseModel):
    risks: list[FactorHit] = Field(default_factory=list, description="negative factors, best first")
    strengths: list[FactorHit] = Field(default_factory=list, description="success factors, best first")
    truncated: bool = Field(default=False, description="the input was longer than the matcher reads")

    def ids(self) -> set[str]:
        return {hit.id for hit in (*self.risks, *self.strengths)}

    def to_public(self) -> dict[str, list[dict[str, object]]]:
        """The CLI contract: risks and strengths as {id, score, evidence}."""
        def rows(hits: list[FactorHit]) -> list[dict[str, object]]:
            return [{"id": h.id, "score": round(h.score, 3), "evidence": h.evidence} for h in hits]

        return {"risks": rows(self.risks), "strengths": rows(self.strengths)}
