"""The interview's questions as data (`knowledge/interview.yaml`), validated against the knowledge base.

The flow is data so that a partnership office can reword, reorder or add questions without touching
code; everything the engine relies on (option values, factor ids, branching references) is checked
here, and a broken file fails with the file, the question and the field named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.kb.loader import KnowledgeBase, KnowledgeError, default_knowledge_dir, read_yaml
from bot.kb.models import NonEmpty, StrictModel

FLOW_FILE = "interview.yaml"
DONT_KNOW = "dont-know"
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$", max_length=40)]
OptionValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Weight = Annotated[float, Field(gt=0.0, le=1.0)]
FactorWeights = dict[str, Weight]


class QuestionKind(StrEnum):
    single = "single"
    multi = "multi"
    scale = "scale"
    text = "text"


class Option(StrictModel):
    value: OptionValue
    label: NonEmpty


# The agreement scale every `scale` question uses (Wilder-style five points plus "don't know").
SCALE_OPTIONS: tuple[Option, ...] = (
    Option(value="strongly-disagree", label="Strongly disagree"),
    Option(value="disagree", label="Disagree"),
    Option(value="neutral", label="Neither agree nor disagree"),
    Option(value="agree", label="Agree"),
    Option(value="strongly-agree", label="Strongly agree"),
    Option(value=DONT_KNOW, label="Don't know"),
)


class Condition(StrictModel):
    """Ask a question only when an earlier answer includes (or excludes) some values."""

    question: QuestionId
    any_of: list[OptionValue] = Field(default_factory=list)
    none_of: list[OptionValue] = Field(default_factory=list)

    @model_validator(mode="after")
    def _needs_a_test(self) -> Condition:
        if not self.any_of and not self.none_of:
            raise ValueError("a condition needs any_of or none_of")
        return self

    def holds(self, given: Iterable[str]) -> bool:
        """An unanswered (or "don't know") question counts as including nothing."""
        values = set(given)
        if self.any_of and not values.intersection(self.any_of):
            return False
        return not (self.none_of and values.intersection(self.none_of))


class Confirmation(StrictModel):
    """Confirm what the free text already said instead of asking the full question."""

    factor: str
    text: NonEmpty = Field(description="'It sounds like ... Is that right?'")
    records: FactorWeights = Field(min_length=1, description="factors recorded when the person confirms")
    min_score: float | None = Field(default=None, gt=0.0, le=1.0)


class Question(StrictModel):
    id: QuestionId
    text: NonEmpty
    topic: str | None = Field(default=None, description="a few words naming what the question is about")
    help: str | None = None
    kind: QuestionKind
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list, description="factor ids this question finds out about")
    maps: dict[OptionValue, FactorWeights] = Field(default_factory=dict)
    when: list[Condition] = Field(default_factory=list, description="all must hold for the question to be asked")
    confirm: list[Confirmation] = Field(default_factory=list)
    exclusive: list[OptionValue] = Field(
        default_factory=list, description="multi-choice values that cannot be combined with others"
    )

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Question:
        if self.kind in (QuestionKind.single, QuestionKind.multi):
            if len(self.options) < 2:
                raise ValueError(f"a {self.kind} question needs at least 2 options")
        elif self.options:
            raise ValueError(f"a {self.kind} question takes no options")
        if self.kind is QuestionKind.text and self.maps:
            raise ValueError("a text question is read by the matcher and takes no maps")
        values = [o.value for o in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("option values must be unique")
        for key in self.maps:
            if key not in values:
                raise ValueError(f"maps: '{key}' is not an option of this question")
        for key in self.exclusive:
            if self.kind is not QuestionKind.multi or key not in values:
                raise ValueError(f"exclusive: '{key}' is not an option of this multi-choice question")
        return self

    def applies(self, answers_for: Callable[[str], list[str]]) -> bool:
        return all(condition.holds(answers_for(condition.question)) for condition in self.when)

    @property
    def short(self) -> str:
        return self.topic or self.id.replace("_", " ")

    @property
    def choices(self) -> list[Option]:
        return list(SCALE_OPTIONS) if self.kind is QuestionKind.scale else list(self.options)

    def label_for(self, value: str) -> str:
        for option in self.choices:
            if option.value == value:
                return option.label
        return value


class DecisionRules(StrictModel):
    """Thresholds for the suggested decision status (TPI-style go/no-go), kept with the questions."""

    serious: float = Field(default=0.7, gt=0, le=1, description="a risk at or above this is serious")
    notable: float = Field(default=0.4, gt=0, le=1, description="a risk at or above this needs adjusting")
    fundamental: list[str] = Field(default_factory=list, description="risks that rarely fix themselves")
    reconsider_serious: int = Field(default=3, ge=1, description="serious risks that call for reconsidering")
    explore_when: list[str] = Field(
        default_factory=list, description="serious risks that mean the partnership is not ready to decide on"
    )
    explore_unknown_share: float = Field(default=0.35, gt=0, le=1)
    confidence_high_below: float = Field(default=0.15, ge=0, le=1)
    confidence_medium_below: float = Field(default=0.35, ge=0, le=1)


class InterviewFlow(StrictModel):
    version: int = Field(ge=1)
    seed_question: QuestionId = Field(description="the free-text question a seed description answers")
    sectors_question: QuestionId | None = None
    stage_question: QuestionId | None = None
    confirm_min_score: float = Field(default=0.85, gt=0, le=1)
    text_weight: float = Field(default=0.6, gt=0, le=1, description="how much a free-text match counts")
    text_min_score: float = Field(default=0.0, ge=0, le=1)
    max_text_chars: int = Field(default=2000, ge=100, le=4000)
    min_signal: float = Field(default=0.3, gt=0, le=1, description="weaker evidence is left out of the report")
    decision: DecisionRules = Field(default_factory=DecisionRules)
    questions: list[Question] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, questions: list[Question]) -> list[Question]:
        seen: set[str] = set()
        for question in questions:
            if question.id in seen:
                raise ValueError(f"duplicate question id '{question.id}'")
            seen.add(question.id)
        return questions

    @model_validator(mode="after")
    def _references(self) -> InterviewFlow:
        by_id = {q.id: q for q in self.questions}
        for name in ("seed_question", "sectors_question", "stage_question"):
            ref = getattr(self, name)
            if ref is not None and ref not in by_id:
                raise ValueError(f"{name}: no question '{ref}'")
        if by_id[self.seed_question].kind is not QuestionKind.text:
            raise ValueError("seed_question must be a text question")
        earlier: set[str] = set()
        for question in self.questions:
            for condition in question.when:
                if condition.question not in earlier:
                    raise ValueError(
                        f"question '{question.id}': a condition may only refer to an earlier question,"
                        f" not '{condition.question}'"
                    )
                values = {o.value for o in by_id[condition.question].choices}
                for value in (*condition.any_of, *condition.none_of):
                    if value not in values:
                        raise ValueError(
                            f"question '{question.id}': '{value}' is not an option of '{condition.question}'"
                        )
            earlier.add(question.id)
        return self

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def has(self, question_id: str) -> bool:
        return any(q.id == question_id for q in self.questions)

    def factor_ids(self) -> set[str]:
        """Every factor id the flow names, to check against the knowledge base."""
        ids: set[str] = set(self.decision.fundamental) | set(self.decision.explore_when)
        for q in self.questions:
            ids.update(q.probes)
            for weights in q.maps.values():
                ids.update(weights)
            for c in q.confirm:
                ids.add(c.factor)
                ids.update(c.records)
        return ids


def flow_path(kb: KnowledgeBase | None = None) -> Path:
    """The last knowledge directory with an interview file wins, so a team can replace ours."""
    if kb is not None:
        found = kb.find_file(FLOW_FILE)
        if found:
            return found[-1]
    return default_knowledge_dir() / FLOW_FILE


def parse_flow(data: Any, path: Path | str = FLOW_FILE) -> InterviewFlow:
    if not isinstance(data, dict):
        raise KnowledgeError(path, None, None, "expected a mapping with 'version' and 'questions'")
    try:
        return InterviewFlow.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        entry = None
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            questions = data.get("questions") or []
            item = questions[loc[1]] if loc[1] < len(questions) else None
            entry = str(item.get("id")) if isinstance(item, dict) and item.get("id") else f"#{loc[1] + 1}"
            loc = loc[2:]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "is missing"
        elif first["type"] == "extra_forbidden":
            message = "is not a known field"
        field = ".".join(str(part) for part in loc) or None
        raise KnowledgeError(path, entry, field, message) from None


def check_against(flow: InterviewFlow, kb: KnowledgeBase, path: Path | str = FLOW_FILE) -> None:
    for question in flow.questions:
        named = set(question.probes)
        for weights in question.maps.values():
            named.update(weights)
        for confirmation in question.confirm:
            named.add(confirmation.factor)
            named.update(confirmation.records)
        for factor_id in sorted(named):
            if factor_id not in kb.factors:
                raise KnowledgeError(path, question.id, None, f"unknown factor id '{factor_id}'")
    for name in ("fundamental", "explore_when"):
        for factor_id in getattr(flow.decision, name):
            if factor_id not in kb.factors:
                raise KnowledgeError(path, None, f"decision.{name}", f"unknown factor id '{factor_id}'")


def load_flow(kb: KnowledgeBase | None = None, path: Path | None = None) -> InterviewFlow:
    """Read the interview file and check every factor id it names against the knowledge base."""
    path = path or flow_path(kb)
    if not path.is_file():
        raise KnowledgeError(path, None, None, "interview file not found")
    flow = parse_flow(read_yaml(path), path)
    if kb is not None:
        check_against(flow, kb, path)
    return flow
