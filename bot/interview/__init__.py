"""The adaptive interview: questions as data, a pure engine over a JSON-safe state."""

from bot.interview.engine import InterviewEngine, InterviewError, Prompt, StepResult
from bot.interview.flow import InterviewFlow, Question, QuestionKind, load_flow
from bot.interview.state import Answer, AnswerStatus, InterviewState

__all__ = [
    "Answer",
    "AnswerStatus",
    "InterviewEngine",
    "InterviewError",
    "InterviewFlow",
    "InterviewState",
    "Prompt",
    "Question",
    "QuestionKind",
    "StepResult",
    "load_flow",
]
