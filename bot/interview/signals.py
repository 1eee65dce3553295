"""Evidence for each factor from an interview: structured answers (through the flow's maps),
confirmations, and what the matcher found in free text. Every signal keeps the words that raised it,
so the report can quote them back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from bot.interview.flow import InterviewFlow, QuestionKind
from bot.interview.state import AnswerStatus, InterviewState, TextMatch
from bot.kb.loader import KnowledgeBase
from bot.kb.models import FactorKind

SignalSource = Literal["answer", "confirmed", "free text"]


class Signal(BaseModel):
    factor_id: str
    kind: FactorKind
    weight: float
    question_id: str
    question: str
    quote: str
    source: SignalSource


def _best_match(matches: list[TextMatch], factor_id: str) -> TextMatch | None:
    found = [m for m in matches if m.factor_id == factor_id]
    return max(found, key=lambda m: m.score) if found else None


def collect_signals(state: InterviewState, flow: InterviewFlow, kb: KnowledgeBase) -> list[Signal]:
    signals: list[Signal] = []
    for question_id in state.history:
        answer = state.answers.get(question_id)
        if answer is None or not flow.has(question_id):
            continue
        question = flow.question(question_id)
        if answer.status is AnswerStatus.answered and question.kind is not QuestionKind.text:
            for value in answer.values:
                for factor_id, weight in question.maps.get(value, {}).items():
                    signals.append(Signal(
                        factor_id=factor_id, kind=kb.factors[factor_id].kind, weight=weight,
                        question_id=question.id, question=question.text, quote=question.label_for(value),
                        source="answer",
                    ))
        elif answer.status is AnswerStatus.confirmed:
            confirmation = next((c for c in question.confirm if c.factor == answer.confirmed_factor), None)
            if confirmation is None:
                continue
            evidence = _best_match(state.matches, confirmation.factor)
            quote = evidence.evidence if evidence else "yes"
            for factor_id, weight in confirmation.records.items():
                signals.append(Signal(
                    factor_id=factor_id, kind=kb.factors[factor_id].kind, weight=weight,
                    question_id=question.id, question=confirmation.text, quote=quote, source="confirmed",
                ))
    for found in state.matches:
        if found.factor_id not in kb.factors or not flow.has(found.question_id):
            continue
        signals.append(Signal(
            factor_id=found.factor_id, kind=found.kind, weight=round(found.score * flow.text_weight, 4),
            question_id=found.question_id, question=flow.question(found.question_id).text,
            quote=found.evidence, source="free text",
        ))
    return signals
