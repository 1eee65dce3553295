"""The engine driven through its API, as the terminal and Slack front ends drive it."""

from __future__ import annotations

import json

import pytest

from bot.interview import AnswerStatus, InterviewEngine, InterviewError, InterviewState
from bot.interview.signals import collect_signals
from bot.kb.models import FactorKind
from bot.matching.models import FactorHit, MatchResult

DESCRIPTION = "A diabetes education programme run by our charity with a pharmaceutical company's support."


def step(engine: InterviewEngine, state: InterviewState, value: object) -> InterviewState:
    result = engine.answer(state, value)
    assert result.accepted, result.message
    return result.state


def answer_until(engine: InterviewEngine, state: InterviewState, answers: dict[str, object], stop: str) -> InterviewState:
    """Answer from `answers` (skipping anything else) until question `stop` is asked."""
    while (prompt := engine.current(state)) is not None and prompt.question_id != stop:
        if prompt.question_id in answers:
            state = step(engine, state, answers[prompt.question_id])
        else:
            state = engine.skip(state).state
    assert prompt is not None and prompt.question_id == stop, f"'{stop}' was never asked"
    return state


def asked(engine: InterviewEngine, answers: dict[str, object]) -> list[str]:
    """Every question asked when answering from `answers` and skipping the rest."""
    state = engine.start(DESCRIPTION)
    seen = []
    while (prompt := engine.current(state)) is not None:
        seen.append(prompt.question_id)
        if prompt.question_id in answers:
            state = step(engine, state, answers[prompt.question_id])
        else:
            state = engine.skip(state).state
    return seen


def test_a_new_interview_opens_with_the_description_question(engine):
    state = engine.start()
    prompt = engine.current(state)
    assert prompt.question_id == "purpose"
    assert prompt.kind == "text" and prompt.required
    assert prompt.number == 1
    assert prompt.progress.startswith("question 1 of about ")
    assert not prompt.can_go_back


def test_a_seed_description_answers_the_first_question(engine):
    state = engine.start(DESCRIPTION)
    assert state.answers["purpose"].value == DESCRIPTION
    prompt = engine.current(state)
    assert prompt.question_id == "stage"
    assert prompt.number == 2
    assert prompt.can_go_back


def test_progress_counts_up_and_the_estimate_grows_when_a_branch_opens(engine):
    state = engine.start(DESCRIPTION)
    state = step(engine, state, "exploring")
    before = engine.current(state)
    assert before.question_id == "sectors" and before.number == 3
    state = step(engine, state, ["nonprofit", "industry", "government"])
    after = engine.current(state)
    assert after.number == 4
    assert after.total == before.total + 2  # the commercial and government follow-ups
    assert after.progress == f"question 4 of about {after.total}"


@pytest.mark.parametrize("typed", ["2", "exploring", "Exploring: talking to a possible partner", "EXPLORING", "explo"])
def test_a_single_choice_accepts_number_value_label_or_unique_start(engine, typed):
    state = step(engine, engine.start(DESCRIPTION), typed)
    assert state.answers["stage"].value == "exploring"


@pytest.mark.parametrize("typed", ["9", "0", "maybe", "", "   ", "፫", "³"])  # digits int() cannot read
def test_an_invalid_choice_is_refused_and_the_question_asked_again(engine, typed):
    state = engine.start(DESCRIPTION)
    result = engine.answer(state, typed)
    assert not result.accepted
    assert "1 to 4" in result.message
    assert result.state == state
    assert engine.current(result.state).question_id == "stage"


def test_an_empty_description_is_refused(engine):
    state = engine.start()
    result = engine.answer(state, "   ")
    assert not result.accepted
    assert "answer" in result.message.lower()
    assert engine.current(result.state).question_id == "purpose"


def test_an_overlong_answer_is_refused_with_the_limit(engine, flow):
    result = engine.answer(engine.start(), "x" * (flow.max_text_chars + 1))
    assert not result.accepted
    assert str(flow.max_text_chars) in result.message


def test_multiple_choice_takes_numbers_or_names_and_refuses_bad_combinations(engine):
    state = step(engine, engine.start(DESCRIPTION), "running")
    assert step(engine, state, "1, 3").answers["sectors"].value == ["nonprofit", "government"]
    assert step(engine, state, "industry,government").answers["sectors"].value == ["industry", "government"]
    assert not engine.answer(state, "1,7").accepted
    state = answer_until(engine, state, {"sectors": "1"}, "working")
    refused = engine.answer(state, "1,10")
    assert not refused.accepted
    assert "None of these" in refused.message
    assert step(engine, state, "10").answers["working"].value == ["none"]


def test_required_questions_cannot_be_skipped_or_left_as_dont_know(engine):
    state = engine.start(DESCRIPTION)
    for result in (engine.skip(state), engine.dont_know(state), engine.answer(state, "?")):
        assert not result.accepted
        assert engine.current(result.state).question_id == "stage"


def test_skip_and_dont_know_are_recorded_as_open_questions(engine):
    state = answer_until(engine, engine.start(DESCRIPTION), {"stage": "exploring", "sectors": "nonprofit"}, "history")
    state = engine.skip(state).state
    assert state.answers["history"].status is AnswerStatus.skipped
    assert engine.current(state).question_id == "goals"
    state = step(engine, state, "don't know")
    assert state.answers["goals"].status is AnswerStatus.dont_know
    state = step(engine, state, "6")  # the scale's own "Don't know"
    assert state.answers["benefits"].status is AnswerStatus.dont_know


def test_back_takes_back_the_last_answer(engine):
    state = engine.start(DESCRIPTION)
    state = step(engine, state, "exploring")
    state = step(engine, state, "nonprofit")
    back = engine.back(state)
    assert back.accepted
    assert "sectors" not in back.state.answers
    assert engine.current(back.state).question_id == "sectors"
    state = step(engine, back.state, "industry")
    assert state.answers["sectors"].value == ["industry"]


def test_back_at_the_first_question_is_refused(engine):
    result = engine.back(engine.start())
    assert not result.accepted
    assert "first question" in result.message


def test_going_back_past_a_branch_closes_it(engine):
    state = step(engine, engine.start(DESCRIPTION), "running")
    state = answer_until(engine, state, {"sectors": "industry", "health": "struggling"}, "what_changed")
    while engine.current(state).question_id != "stage":
        state = engine.back(state).state
    assert set(state.answers) == {"purpose"}
    state = step(engine, state, "idea")
    seen = []
    while (prompt := engine.current(state)) is not None:
        seen.append(prompt.question_id)
        state = step(engine, state, "industry") if prompt.question_id == "sectors" else engine.skip(state).state
    assert "holding_back" in seen
    assert not {"health", "what_changed", "what_wrong"} & set(seen)


def test_an_industry_partner_brings_the_commercial_question(engine):
    with_industry = asked(engine, {"stage": "exploring", "sectors": ["nonprofit", "industry"]})
    without = asked(engine, {"stage": "exploring", "sectors": ["nonprofit"]})
    assert "commercial" in with_industry and "commercial" not in without
    assert "government" not in with_industry


def test_a_government_partner_brings_approvals_and_political_change(engine):
    with_government = asked(engine, {"stage": "negotiating", "sectors": ["government"]})
    assert "government" in with_government
    assert "government" not in asked(engine, {"stage": "negotiating", "sectors": ["industry"]})


def test_a_struggling_partnership_is_asked_what_changed(engine):
    struggling = asked(engine, {"stage": "running", "sectors": ["nonprofit"], "health": "struggling"})
    going_well = asked(engine, {"stage": "running", "sectors": ["nonprofit"], "health": "well"})
    assert {"health", "what_changed", "what_wrong"} <= set(struggling)
    assert "health" in going_well and "what_changed" not in going_well
    assert "health" not in asked(engine, {"stage": "exploring", "sectors": ["nonprofit"]})


def test_an_idea_is_asked_what_holds_it_back(engine):
    assert "holding_back" in asked(engine, {"stage": "idea", "sectors": ["nonprofit"]})
    assert "holding_back" not in asked(engine, {"stage": "negotiating", "sectors": ["nonprofit"]})


def test_a_typical_interview_has_about_ten_to_seventeen_questions(engine):
    for answers in (
        {"stage": "exploring", "sectors": ["nonprofit", "industry"]},
        {"stage": "running", "sectors": ["government"], "health": "well"},
        {"stage": "negotiating", "sectors": ["nonprofit"]},
    ):
        assert 10 <= len(asked(engine, answers)) + 1 <= 17


def _fake_matcher(found: dict[str, float]):
    def match(text: str, sectors: list[str]) -> MatchResult:
        hits = [FactorHit(id=fid, kind=FactorKind.negative, score=score, evidence=text, start=0, end=len(text))
                for fid, score in found.items()]
        return MatchResult(risks=hits)

    return match


def test_a_clear_description_turns_the_question_into_a_confirmation(flow, kb):
    engine = InterviewEngine(flow, kb, matcher=_fake_matcher({"insufficient-funding": 0.95}))
    state = engine.start("Funding is only secured for one year.")
    state = answer_until(engine, state, {"stage": "exploring", "sectors": "nonprofit"}, "funding")
    prompt = engine.current(state)
    assert prompt.is_confirmation
    assert prompt.confirm_factor == "insufficient-funding"
    assert prompt.text.startswith("It sounds like") and prompt.text.endswith("Is that right?")
    assert prompt.evidence == "Funding is only secured for one year."

    confirmed = step(engine, state, "yes")
    assert confirmed.answers["funding"].status is AnswerStatus.confirmed
    assert engine.current(confirmed).question_id != "funding"
    funding = [s for s in collect_signals(confirmed, flow, kb) if s.source == "confirmed"]
    assert [s.factor_id for s in funding] == ["insufficient-funding"]
    assert funding[0].quote == "Funding is only secured for one year."


def test_declining_a_confirmation_asks_the_full_question_and_back_reopens_it(flow, kb):
    engine = InterviewEngine(flow, kb, matcher=_fake_matcher({"insufficient-funding": 0.95}))
    state = answer_until(engine, engine.start("Money is tight."), {"stage": "exploring", "sectors": "nonprofit"}, "funding")
    declined = step(engine, state, "no")
    full = engine.current(declined)
    assert not full.is_confirmation and full.question_id == "funding" and full.kind == "single"
    assert engine.current(engine.back(declined).state).is_confirmation
    unsure = step(engine, state, "not sure")
    assert unsure.answers["funding"].status is AnswerStatus.dont_know
    assert not engine.answer(state, "perhaps").accepted


def test_a_weak_match_does_not_trigger_a_confirmation(flow, kb):
    engine = InterviewEngine(flow, kb, matcher=_fake_matcher({"insufficient-funding": flow.confirm_min_score - 0.1}))
    state = answer_until(engine, engine.start("Money is tight."), {"stage": "exploring", "sectors": "nonprofit"}, "funding")
    assert not engine.current(state).is_confirmation


def test_a_plain_statement_about_the_grant_ending_is_read_as_a_funding_risk(engine, flow, kb):
    state = engine.start("Our grant ends in a year and we have no funding after that.")
    found = {m.factor_id for m in state.matches}
    assert found & {"insufficient-funding", "no-sustainability-plan"}


def test_the_state_round_trips_through_json_at_every_step(engine):
    state = engine.start(DESCRIPTION)
    answers = {"stage": "running", "sectors": "1,2", "health": "struggling", "what_wrong": "Nobody answers emails."}
    while (prompt := engine.current(state)) is not None:
        stored = json.loads(json.dumps(state.model_dump(mode="json")))
        resumed = engine.resume(stored)
        assert resumed == state
        assert engine.current(resumed) == prompt
        state = step(engine, state, answers[prompt.question_id]) if prompt.question_id in answers else engine.dont_know(state).state
    assert engine.is_finished(engine.resume(state.model_dump_json()))


def test_resume_drops_answers_to_questions_the_flow_no_longer_has(engine):
    state = step(engine, engine.start(DESCRIPTION), "idea")
    data = state.model_dump(mode="json")
    data["answers"]["retired_question"] = {"question_id": "retired_question", "status": "answered", "value": "x"}
    data["history"].append("retired_question")
    resumed = engine.resume(data)
    assert "retired_question" not in resumed.answers and "retired_question" not in resumed.history
    assert engine.current(resumed).question_id == "sectors"


@pytest.mark.parametrize("bad", ["not json", {"answers": "nope"}, {"history": 5}])
def test_a_corrupt_saved_state_is_reported_not_crashed_on(engine, bad):
    with pytest.raises(InterviewError, match="cannot be read"):
        engine.resume(bad)


def test_restart_starts_from_the_beginning(engine):
    state = step(engine, engine.start(DESCRIPTION), "idea")
    fresh = engine.restart(state).state
    assert fresh.answers == {} and engine.current(fresh).question_id == "purpose"


def test_finishing_early_marks_the_rest_as_not_asked_and_back_undoes_it(engine):
    state = step(engine, engine.start(DESCRIPTION), "exploring")
    state = step(engine, state, "nonprofit")
    done = engine.finish(state).state
    assert engine.is_finished(done) and engine.current(done) is None
    assert done.answers["goals"].status is AnswerStatus.not_asked
    assert not engine.answer(done, "agree").accepted
    reopened = engine.back(done).state
    assert engine.current(reopened).question_id == "history"
    assert "goals" not in reopened.answers


def test_the_engine_never_changes_the_state_it_is_given(engine):
    state = engine.start(DESCRIPTION)
    snapshot = state.model_dump()
    for result in (engine.answer(state, "idea"), engine.skip(state), engine.finish(state), engine.back(state)):
        assert result.state is not state or not result.accepted
    assert state.model_dump() == snapshot
