"""What an interview has collected so far: plain data that round-trips through JSON.

The state holds answers and the free-text matches found when the answers were given, so a report
built later (in another process, after a resume) says exactly what the person saw.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.kb.models import FactorKind

STATE_VERSION = 1


class AnswerStatus(StrEnum):
    answered = "answered"
    confirmed = "confirmed"  # the person agreed with what their own description already said
    dont_know = "dont_know"
    skipped = "skipped"
    not_asked = "not_asked"  # the interview was finished early


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question_id: str
    status: AnswerStatus
    value: str | list[str] | None = None
    confirmed_factor: str | None = None

    @property
    def values(self) -> list[str]:
        if self.value is None:
            return []
        return list(self.value) if isinstance(self.value, list) else [self.value]

    @property
    def is_unknown(self) -> bool:
        return self.status in (AnswerStatus.dont_know, AnswerStatus.skipped, AnswerStatus.not_asked)


class TextMatch(BaseModel):
    """A factor the matcher found in a free-text answer."""

    model_config = ConfigDict(extra="ignore")

    question_id: str
    factor_id: str
    kind: FactorKind
    score: float = Field(ge=0.0, le=1.0)
    evidence: str


class InterviewState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    state_version: int = STATE_VERSION
    flow_version: int = 1
    answers: dict[str, Answer] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list, description="question ids in the order answered")
    declined: list[str] = Field(default_factory=list, description="questions whose confirmation was declined")
    matches: list[TextMatch] = Field(default_factory=list)
    finished: bool = False

    def answer(self, question_id: str) -> Answer | None:
        return self.answers.get(question_id)

    def values(self, question_id: str) -> list[str]:
        answer = self.answers.get(question_id)
        if answer is None or answer.status is not AnswerStatus.answered:
            return []
        return answer.values

    def text_of(self, question_id: str) -> str | None:
        answer = self.answers.get(question_id)
        if answer and answer.status is AnswerStatus.answered and isinstance(answer.value, str):
            return answer.value
        return None
