"""Interviews run from a file of answers (`partnerbot chat --answers`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.interview import AnswerStatus
from bot.interview.scripted import AnswerScript, ScriptError, load_script, run_script

DATA = Path(__file__).resolve().parents[1] / "data" / "interviews"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_answers_file_runs_to_the_end_without_notes(engine):
    files = sorted(p for p in DATA.glob("*.yaml") if p.name != "expectations.yaml")
    assert len(files) >= 8
    for path in files:
        state, notes = run_script(engine, load_script(path), source=path.name)
        assert engine.is_finished(state), path.name
        assert notes == [], (path.name, notes)


def test_answers_can_be_values_numbers_labels_dont_know_or_skip(engine):
    script = AnswerScript(
        description="A community health worker programme with the regional health authority.",
        answers={"stage": 4, "sectors": ["nonprofit", "government"], "history": "We know each other, but have not worked together",
                 "goals": "dont-know", "benefits": "skip", "health": "well"},
    )
    state, notes = run_script(engine, script)
    assert state.answers["stage"].value == "running"
    assert state.answers["history"].value == "know-them"
    assert state.answers["goals"].status is AnswerStatus.dont_know
    assert state.answers["benefits"].status is AnswerStatus.skipped
    assert "no answer for 'funding'; skipped" in notes


def test_a_question_that_does_not_apply_is_noted(engine):
    script = AnswerScript(description="x y z", answers={"stage": "idea", "sectors": "nonprofit", "what_wrong": "all of it"})
    _, notes = run_script(engine, script)
    assert any("'what_wrong' was not asked" in note for note in notes)


def test_yaml_yes_and_no_replies_to_confirmations_work(engine, tmp_path):
    path = _write(tmp_path, "description: d\nanswers: {stage: idea, sectors: [industry]}\nconfirm: {funding: yes}\n")
    script = load_script(path)
    assert script.confirm == {"funding": True}
    run_script(engine, script)  # a reply to a confirmation that never comes is harmless


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("answers: {stage: sideways}\ndescription: d\n", "question 'stage': 'sideways' is not one of the options"),
        ("answers: {stge: idea}\n", "no question 'stge'"),
        ("answers: {stage: idea, sectors: [nonprofit]}\n", "question 'purpose' needs an answer"),
        ("description: d\nanswers: {purpose: again}\n", "give the description once"),
        ("descripton: d\n", "'descripton' is not a known field"),
        ("- a list\n", "expected a mapping"),
        ("answers: {stage: [\n", "bad YAML at line"),
    ],
)
def test_a_bad_answers_file_is_a_one_line_error_naming_the_problem(engine, tmp_path, text, message):
    with pytest.raises(ScriptError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_script(engine, load_script(_write(tmp_path, text)))


def test_a_missing_answers_file_is_reported(tmp_path):
    with pytest.raises(ScriptError, match="file not found"):
        load_script(tmp_path / "nope.yaml")
