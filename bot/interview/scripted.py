"""Run an interview from a file of answers, for scripting and tests.

The file is YAML:

    description: We are a nonprofit hospital planning a ...   # optional: seeds the opening question
    answers:                                                   # question id -> answer
      stage: exploring
      sectors: [nonprofit, industry]
      goals: agree            # option values, option numbers or labels
      funding: dont-know      # or "skip"
    confirm:                  # optional: replies to "It sounds like ... Is that right?"
      funding: yes

A question the file does not answer is skipped; a confirmation the file does not reply to is declined
when the file answers the full question, and skipped otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.interview.answers import is_dont_know
from bot.interview.engine import InterviewEngine
from bot.interview.state import InterviewState

SKIP_WORDS = {"skip", "skipped", "-"}


class ScriptError(ValueError):
    """The answers file is unreadable or does not fit the interview; the message says where."""


class AnswerScript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    confirm: dict[str, Any] = Field(default_factory=dict)


def _plain(value: Any) -> Any:
    """YAML reads yes/no as booleans and 3 as a number; the engine wants what was written."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def load_script(path: Path) -> AnswerScript:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScriptError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(f"{path}: cannot read it ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ScriptError(f"{path}: bad YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise ScriptError(f"{path}: expected a mapping with 'answers' (and optionally 'description', 'confirm')")
    try:
        return AnswerScript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = "is not a known field" if first["type"] == "extra_forbidden" else first["msg"]
        raise ScriptError(f"{path}: '{field}' {message}") from None


def run_script(engine: InterviewEngine, script: AnswerScript, source: str = "answers") -> tuple[InterviewState, list[str]]:
    """Drive the engine to the end; returns the final state and notes on anything left out."""
    flow = engine.flow
    for section in (script.answers, script.confirm):
        unknown = sorted(qid for qid in section if not flow.has(qid))
        if unknown:
            valid = ", ".join(q.id for q in flow.questions)
            raise ScriptError(f"{source}: no question '{unknown[0]}' in the interview (questions: {valid})")

    if script.description and flow.seed_question in script.answers:
        raise ScriptError(f"{source}: give the description once, as 'description' or as answers.{flow.seed_question}")
    notes: list[str] = []
    state = engine.start(script.description)
    while (prompt := engine.current(state)) is not None:
        qid = prompt.question_id
        given = script.answers.get(qid)
        if prompt.is_confirmation:
            reply = script.confirm.get(qid)
            value = _plain(reply) if reply is not None else ("no" if given is not None else None)
        else:
            value = _plain(given)
        if value is None:
            if prompt.required:
                raise ScriptError(f"{source}: question '{qid}' needs an answer ({prompt.text})")
            notes.append(f"no answer for '{qid}'; skipped")
            result = engine.skip(state)
        elif isinstance(value, str) and value.strip().lower() in SKIP_WORDS:
            result = engine.skip(state)
        elif is_dont_know(value):
            result = engine.dont_know(state)
        else:
            result = engine.answer(state, value)
        if not result.accepted:
            raise ScriptError(f"{source}: question '{qid}': {result.message}")
        state = result.state
    answered = set(state.answers)
    for qid in script.answers:
        if qid not in answered:
            notes.append(f"'{qid}' was not asked: it does not apply given the other answers")
    return state, notes
