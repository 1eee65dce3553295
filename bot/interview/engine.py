"""The interview as a pure state machine: every step takes a state and returns a new one.

No I/O and no front end: the terminal chat and the Slack app both drive this engine and store the
state wherever they like, so an interview can stop in one process and resume in another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, computed_field

from bot.interview.answers import InvalidAnswer, is_dont_know, parse_answer, parse_confirmation
from bot.interview.flow import DONT_KNOW, Confirmation, InterviewFlow, Option, Question, QuestionKind
from bot.interview.state import Answer, AnswerStatus, InterviewState, TextMatch
from bot.kb.loader import KnowledgeBase
from bot.matching.models import MatchResult

Matcher = Callable[[str, list[str]], MatchResult]
PromptKind = Literal["single", "multi", "scale", "text", "confirm"]

CONFIRM_OPTIONS = [
    Option(value="yes", label="Yes, that's right"),
    Option(value="no", label="No, let me answer the question"),
    Option(value=DONT_KNOW, label="Not sure"),
]


class InterviewError(ValueError):
    """A stored state cannot be resumed (corrupt or from an incompatible version)."""


class Prompt(BaseModel):
    """What to show now: a question, or a confirmation of what the description already said."""

    question_id: str
    kind: PromptKind
    text: str
    help: str | None = None
    options: list[Option]
    required: bool
    allows_dont_know: bool
    number: int
    total: int
    can_go_back: bool
    confirm_factor: str | None = None
    evidence: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress(self) -> str:
        return f"question {self.number} of about {self.total}"

    @property
    def is_confirmation(self) -> bool:
        return self.kind == "confirm"


class StepResult(BaseModel):
    state: InterviewState
    accepted: bool = True
    message: str | None = None


class InterviewEngine:
    def __init__(self, flow: InterviewFlow, kb: KnowledgeBase, matcher: Matcher | None = None) -> None:
        self.flow = flow
        self.kb = kb
        self._matcher = matcher or self._default_matcher

    def _default_matcher(self, text: str, sectors: list[str]) -> MatchResult:
        from bot.matching import match_text

        return match_text(text, sectors, kb=self.kb)

    # -- starting and resuming -------------------------------------------------------------------

    def start(self, seed_text: str | None = None) -> InterviewState:
        """A new interview; a seed description answers the opening question and is read for factors."""
        state = InterviewState(flow_version=self.flow.version)
        seed = (seed_text or "").strip()
        if seed:
            seed = seed[: self.flow.max_text_chars]
            self._record(state, self.flow.question(self.flow.seed_question), seed)
        return state

    def resume(self, data: dict[str, Any] | str | InterviewState) -> InterviewState:
        """Validate a stored state; answers to questions the flow no longer has are dropped."""
        try:
            if isinstance(data, InterviewState):
                state = data.model_copy(deep=True)
            elif isinstance(data, str):
                state = InterviewState.model_validate_json(data)
            else:
                state = InterviewState.model_validate(data)
        except ValidationError as exc:
            raise InterviewError(f"the saved interview cannot be read ({exc.errors()[0]['msg']})") from None
        state.answers = {qid: a for qid, a in state.answers.items() if self.flow.has(qid)}
        state.history = [qid for qid in state.history if qid in state.answers]
        state.declined = [qid for qid in state.declined if self.flow.has(qid)]
        state.matches = [m for m in state.matches if m.factor_id in self.kb.factors and m.question_id in state.answers]
        return state

    # -- where we are ----------------------------------------------------------------------------

    def applies(self, question: Question, state: InterviewState) -> bool:
        return question.applies(state.values)

    def next_question(self, state: InterviewState) -> Question | None:
        if state.finished:
            return None
        for question in self.flow.questions:
            if question.id not in state.answers and self.applies(question, state):
                return question
        return None

    def _remaining(self, state: InterviewState) -> int:
        return sum(1 for q in self.flow.questions if q.id not in state.answers and self.applies(q, state))

    def confirmation(self, state: InterviewState, question: Question) -> tuple[Confirmation, TextMatch] | None:
        """The confirmation to offer instead of `question`, if free text already made it clear."""
        if question.id in state.declined:
            return None
        best: tuple[Confirmation, TextMatch] | None = None
        for confirmation in question.confirm:
            threshold = confirmation.min_score or self.flow.confirm_min_score
            for found in state.matches:
                clear = found.factor_id == confirmation.factor and found.score >= threshold
                if clear and (best is None or found.score > best[1].score):
                    best = (confirmation, found)
        return best

    def current(self, state: InterviewState) -> Prompt | None:
        question = self.next_question(state)
        if question is None:
            return None
        answered = sum(1 for a in state.answers.values() if a.status is not AnswerStatus.not_asked)
        number = answered + 1
        total = answered + self._remaining(state)
        can_go_back = bool(state.history) or question.id in state.declined
        offer = self.confirmation(state, question)
        if offer is not None:
            confirmation, found = offer
            return Prompt(
                question_id=question.id, kind="confirm", text=confirmation.text, help=question.text,
                options=CONFIRM_OPTIONS, required=False, allows_dont_know=True, number=number, total=total,
                can_go_back=can_go_back, confirm_factor=confirmation.factor, evidence=found.evidence,
            )
        return Prompt(
            question_id=question.id, kind=question.kind.value, text=question.text, help=question.help,
            options=question.choices, required=question.required, allows_dont_know=not question.required,
            number=number, total=total, can_go_back=can_go_back,
        )

    def is_finished(self, state: InterviewState) -> bool:
        return self.next_question(state) is None

    # -- steps -----------------------------------------------------------------------------------

    def answer(self, state: InterviewState, value: object) -> StepResult:
        question = self.next_question(state)
        if question is None:
            return StepResult(state=state, accepted=False, message="The interview is already finished.")
        if self.confirmation(state, question) is not None:
            return self._answer_confirmation(state, question, value)
        if is_dont_know(value) or value == DONT_KNOW:
            return self.dont_know(state)
        try:
            parsed = parse_answer(question, value, self.flow.max_text_chars)
        except InvalidAnswer as exc:
            return StepResult(state=state, accepted=False, message=str(exc))
        if parsed == DONT_KNOW:
            return self.dont_know(state)
        new = state.model_copy(deep=True)
        self._record(new, question, parsed)
        return StepResult(state=new)

    def _answer_confirmation(self, state: InterviewState, question: Question, value: object) -> StepResult:
        try:
            reply = parse_confirmation(value)
        except InvalidAnswer as exc:
            return StepResult(state=state, accepted=False, message=str(exc))
        offer = self.confirmation(state, question)
        assert offer is not None
        new = state.model_copy(deep=True)
        if reply == "no":
            new.declined.append(question.id)
            return StepResult(state=new)
        if reply == DONT_KNOW:
            return self.dont_know(state)
        new.answers[question.id] = Answer(
            question_id=question.id, status=AnswerStatus.confirmed, value="yes", confirmed_factor=offer[0].factor
        )
        new.history.append(question.id)
        return StepResult(state=new)

    def _mark(self, state: InterviewState, status: AnswerStatus, refusal: str) -> StepResult:
        question = self.next_question(state)
        if question is None:
            return StepResult(state=state, accepted=False, message="The interview is already finished.")
        if question.required:
            return StepResult(state=state, accepted=False, message=refusal)
        new = state.model_copy(deep=True)
        new.answers[question.id] = Answer(question_id=question.id, status=status)
        new.history.append(question.id)
        return StepResult(state=new)

    def skip(self, state: InterviewState) -> StepResult:
        return self._mark(
            state, AnswerStatus.skipped, "This question shapes the rest of the interview, so it cannot be skipped."
        )

    def dont_know(self, state: InterviewState) -> StepResult:
        return self._mark(
            state, AnswerStatus.dont_know,
            "This question shapes the rest of the interview; please give your best answer.",
        )

    def back(self, state: InterviewState) -> StepResult:
        """Undo the last step: reopen a declined confirmation, or take back the last answer."""
        new = state.model_copy(deep=True)
        if new.finished:
            new.finished = False
            new.answers = {qid: a for qid, a in new.answers.items() if a.status is not AnswerStatus.not_asked}
            return StepResult(state=new)
        question = self.next_question(new)
        if question is not None and question.id in new.declined:
            new.declined.remove(question.id)
            return StepResult(state=new)
        if not new.history:
            return StepResult(state=state, accepted=False, message="This is the first question; there is nothing to go back to.")
        last = new.history.pop()
        new.answers.pop(last, None)
        new.matches = [m for m in new.matches if m.question_id != last]
        if last in new.declined:
            new.declined.remove(last)
        return StepResult(state=new)

    def restart(self, state: InterviewState | None = None) -> StepResult:
        return StepResult(state=self.start())

    def finish(self, state: InterviewState) -> StepResult:
        """End now; questions not reached count as unknowns in the report."""
        new = state.model_copy(deep=True)
        while (question := self.next_question(new)) is not None:
            new.answers[question.id] = Answer(question_id=question.id, status=AnswerStatus.not_asked)
        new.finished = True
        return StepResult(state=new)

    # -- recording -------------------------------------------------------------------------------

    def sectors(self, state: InterviewState) -> list[str]:
        return state.values(self.flow.sectors_question) if self.flow.sectors_question else []

    def _record(self, state: InterviewState, question: Question, value: str | list[str]) -> None:
        state.answers[question.id] = Answer(question_id=question.id, status=AnswerStatus.answered, value=value)
        state.history.append(question.id)
        if question.kind is QuestionKind.text and isinstance(value, str):
            state.matches.extend(self._read(question.id, value, self.sectors(state)))

    def _read(self, question_id: str, text: str, sectors: Iterable[str]) -> list[TextMatch]:
        result = self._matcher(text, list(sectors))
        return [
            TextMatch(question_id=question_id, factor_id=hit.id, kind=hit.kind, score=hit.score, evidence=hit.evidence)
            for hit in (*result.risks, *result.strengths)
            if hit.score >= self.flow.text_min_score and hit.id in self.kb.factors
        ]
