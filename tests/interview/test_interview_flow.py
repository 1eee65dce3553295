"""The question flow file: what the shipped one covers, and how a broken one is reported."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.interview.flow import (
    FLOW_FILE,
    QuestionKind,
    check_against,
    default_knowledge_dir,
    load_flow,
    parse_flow,
)
from bot.kb.loader import KnowledgeError, load_knowledge
from bot.kb.models import FactorKind

SHIPPED = default_knowledge_dir() / FLOW_FILE


@pytest.fixture()
def raw() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def _question(data: dict, question_id: str) -> dict:
    return next(q for q in data["questions"] if q["id"] == question_id)


def test_every_risk_in_the_knowledge_base_can_be_raised_by_a_structured_answer(flow, kb):
    mapped = {fid for q in flow.questions for weights in q.maps.values() for fid in weights}
    missing = {f.id for f in kb.negatives} - mapped
    assert not missing, f"no answer raises {sorted(missing)}"


def test_every_probed_factor_is_one_the_question_can_actually_move(flow):
    for question in flow.questions:
        moved = {fid for weights in question.maps.values() for fid in weights}
        if question.kind is not QuestionKind.text:
            assert set(question.probes) <= moved | {c.factor for c in question.confirm}, question.id


def test_structured_answers_map_risks_and_strengths_the_right_way_round(flow, kb):
    leadership = flow.question("leadership")
    assert "lack-of-leadership-buy-in" in leadership.maps["neither"]
    assert "senior-support" in leadership.maps["both"]
    goals = flow.question("goals")
    assert kb.factors[next(iter(goals.maps["disagree"]))].kind is FactorKind.negative
    assert kb.factors[next(iter(goals.maps["agree"]))].kind is FactorKind.success


def test_the_scale_is_five_points_plus_dont_know(flow):
    goals = flow.question("goals")
    assert [o.value for o in goals.choices] == [
        "strongly-disagree", "disagree", "neutral", "agree", "strongly-agree", "dont-know",
    ]


def _error(data: dict) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        parse_flow(data, "interview.yaml")
    return caught.value


def test_a_map_for_an_option_the_question_does_not_have_names_question_and_field(raw):
    _question(raw, "goals")["maps"]["sort-of"] = {"misaligned-goals": 0.5}
    error = _error(raw)
    assert error.entry == "goals"
    assert "maps: 'sort-of' is not an option" in str(error)


def test_a_condition_on_a_later_question_is_refused(raw):
    _question(raw, "history")["when"] = [{"question": "measures", "any_of": ["agreed"]}]
    assert "earlier question" in str(_error(raw))


def test_a_condition_on_a_value_the_question_does_not_offer_is_refused(raw):
    _question(raw, "commercial")["when"] = [{"question": "sectors", "any_of": ["academia"]}]
    assert "'academia' is not an option of 'sectors'" in str(_error(raw))


def test_an_unquoted_yes_or_no_option_is_caught(raw):
    # YAML reads a bare `no` as false; the file must quote it or use another word.
    yaml_text = "{value: no, label: No}"
    _question(raw, "data")["options"][0] = yaml.safe_load(yaml_text)
    error = _error(raw)
    assert error.entry == "data" and "options" in (error.field or "")


def test_duplicate_question_ids_are_refused(raw):
    raw["questions"].append(copy.deepcopy(_question(raw, "goals")))
    assert "duplicate question id 'goals'" in str(_error(raw))


def test_an_unknown_factor_id_is_refused_against_the_knowledge_base(raw, kb):
    _question(raw, "goals")["maps"]["agree"] = {"shared-visions": 0.5}
    flow = parse_flow(raw)
    with pytest.raises(KnowledgeError, match="unknown factor id 'shared-visions'") as caught:
        check_against(flow, kb)
    assert caught.value.entry == "goals"


def test_a_team_directory_can_replace_the_interview(tmp_path: Path, raw):
    raw["questions"] = [q for q in raw["questions"] if q["id"] in {"purpose", "stage", "sectors", "goals"}]
    _question(raw, "goals")["text"] = "Our own wording of the goals question."
    (tmp_path / FLOW_FILE).write_text(yaml.safe_dump(raw), encoding="utf-8")
    kb = load_knowledge([tmp_path])
    flow = load_flow(kb)
    assert [q.id for q in flow.questions] == ["purpose", "stage", "sectors", "goals"]
    assert flow.question("goals").text == "Our own wording of the goals question."


def test_a_missing_interview_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(KnowledgeError, match="interview file not found"):
        load_flow(path=tmp_path / FLOW_FILE)
