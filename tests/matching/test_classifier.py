"""The factor classifier: its features, the shipped weights, and how the matcher combines it with the
lexicon. The combination rules are checked with a small hand-weighted model, so each test shows one
rule whatever the shipped weights happen to be."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bot.kb.loader import KnowledgeBase
from bot.matching.classifier import MODEL_FILE, FactorClassifier
from bot.matching.evaluation import load_scenarios
from bot.matching.features import clause_features
from bot.matching.matcher import CLASSIFIER_BASE, CLASSIFIER_SPAN, Matcher, get_matcher
from bot.matching.text import clauses, clean
from bot.matching.training import SCENARIOS, examples, training_digest


def features(text: str) -> set[str]:
    return set().union(*(clause_features(c) for c in clauses(clean(text))))


def test_features_are_stems_and_negated_stems() -> None:
    found = features("Nobody answers our emails")
    assert found == {"NEG", "~answer", "~email"}  # negated: "nobody answers" is not "answers"
    assert features("They answer emails quickly") == {"answer", "email", "quickly"}


def test_a_negated_problem_word_marks_the_clause_as_fine() -> None:
    """"No problem with trust" is about trust being fine, unlike "they do not trust us"."""
    assert features("With them there is no problem of trust") == {"FINE", "^problem", "^trust"}
    assert features("Money is not the worry") == {"FINE", "^money", "^worry"}
    assert "~trust" in features("They do not trust us")


def test_negation_reaches_only_a_few_words() -> None:
    found = features("No reply at first although in the end the partner agreed to every single clause")
    assert "~reply" in found
    assert "claus" in found or "clause" in found


def test_shipped_model_was_fitted_to_the_current_files() -> None:
    """Edit a phrase test, a scenario set, a trigger phrase or the feature code, and the weights are stale."""
    stored = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["trained_on"]
    assert stored == training_digest(), "the classifier is stale: run `python -m bot.matching.training`"


def test_shipped_model_covers_every_factor(kb: KnowledgeBase) -> None:
    model = FactorClassifier.load()
    assert model is not None
    assert sorted(model.factors) == sorted(kb.factors)
    assert len(model.bias) == len(model.factors)


def test_a_missing_model_leaves_the_lexicon_working(tmp_path: Path, kb: KnowledgeBase) -> None:
    assert FactorClassifier.load(tmp_path / "absent.json") is None
    matcher = get_matcher(kb).with_classifier(None)
    result = matcher.match("The VP who pushed this left and nobody picked it up.")
    assert "champion-turnover" in [h.id for h in result.risks]


def test_the_shipped_model_adds_what_the_lexicon_has_no_phrase_for(kb: KnowledgeBase) -> None:
    text = ("The foundation paid for two navigators for eighteen months but nobody ever talked about who pays "
            "after that, and in March the money simply stopped.")
    rows = get_matcher(kb).explain(text)
    assert any(f == "insufficient-funding" and why.startswith("classifier") for f, _, why, _ in rows), rows
    lexicon_only = get_matcher(kb).with_classifier(None).match(text)
    assert "insufficient-funding" not in [h.id for h in lexicon_only.risks]


# -- combination rules, with a model that is sure of one factor whenever a given word appears -----------


def sure_of(factor_id: str, word: str) -> FactorClassifier:
    return FactorClassifier([factor_id], [-8.0], {word: [(0, 16.0)]})


@pytest.fixture
def matcher(kb: KnowledgeBase) -> Matcher:
    return get_matcher(kb)


def test_a_sure_classifier_adds_a_risk_after_the_lexicon_s_own(matcher: Matcher) -> None:
    m = matcher.with_classifier(sure_of("culture-clash", "lunch"))
    text = "Their lawyers have been sitting on the MOU since March. We had lunch with them on Friday."
    result = m.match(text)
    ids = [h.id for h in result.risks]
    assert ids.index("bureaucracy") < ids.index("culture-clash")
    hit = next(h for h in result.risks if h.id == "culture-clash")
    assert hit.evidence == "We had lunch with them on Friday"
    assert CLASSIFIER_BASE <= hit.score <= CLASSIFIER_BASE + CLASSIFIER_SPAN  # below what a cue or phrase scores


def test_a_strength_needs_less_certainty_than_a_risk(matcher: Matcher) -> None:
    """At 85% sure a strength is suggested and a risk is not: a wrong alarm costs more."""
    logit = math.log(0.85 / 0.15)
    model = FactorClassifier(["culture-clash", "committed-champions"], [-8.0, -8.0],
                             {"lunch": [(0, 8.0 + logit)], "chair": [(1, 8.0 + logit)]})
    m = matcher.with_classifier(model)
    assert "culture-clash" not in [h.id for h in m.match("We had lunch with them on Friday.").risks]
    strengths = m.match("The chair of their board is with us on this.").strengths
    assert "committed-champions" in [h.id for h in strengths]
    assert all(h.score >= 0.6 for h in strengths)


def test_no_classifier_risk_where_the_lexicon_found_its_complement(matcher: Matcher) -> None:
    m = matcher.with_classifier(sure_of("insufficient-funding", "fund"))
    assert "insufficient-funding" in [h.id for h in m.match("We talked about funding on Friday.").risks]
    result = m.match("Funding is secured until 2030.")
    assert "insufficient-funding" not in [h.id for h in result.risks]
    assert "adequate-resources" in [h.id for h in result.strengths]


def test_no_classifier_risk_that_the_lexicon_found_stated_as_absent(matcher: Matcher) -> None:
    m = matcher.with_classifier(sure_of("competition-between-partners", "chair"))
    assert "competition-between-partners" in [h.id for h in m.match("The chair said so.").risks]
    denied = "No turf wars this time, said the chair."
    assert "chair" in features(denied)  # the model is sure: only the lexicon's "no turf wars" stops it
    assert "competition-between-partners" not in [h.id for h in m.match(denied).risks]


def test_no_classifier_strength_that_is_only_wanted(matcher: Matcher) -> None:
    m = matcher.with_classifier(sure_of("committed-champions", "champion"))
    assert "committed-champions" in [h.id for h in m.match("Priya is the champion here.").strengths]
    for wish in ("We need a champion on each side.", "Ideally Priya would champion it."):
        assert "committed-champions" not in [h.id for h in m.match(wish).strengths], wish


def test_no_classifier_risk_in_a_wish(matcher: Matcher) -> None:
    m = matcher.with_classifier(sure_of("culture-clash", "lunch"))
    assert "culture-clash" not in [h.id for h in m.match("We want to have lunch with them.").risks]


def test_no_classifier_strength_in_a_yes_no_question(matcher: Matcher) -> None:
    m = matcher.with_classifier(sure_of("committed-champions", "champion"))
    assert "committed-champions" not in [h.id for h in m.match("Is Priya still the champion?").strengths]


def test_a_risk_whose_topic_the_message_calls_fine_is_not_reported(matcher: Matcher) -> None:
    """The "said to be fine" model vetoes a risk the lexicon found, here whenever "invoices" appears."""
    text = "Their lawyers have been sitting on the MOU since March."
    (invoice,) = features("invoices")
    sure_fine = FactorClassifier(["bureaucracy"], [-8.0], {invoice: [(0, 16.0)]})
    m = matcher.with_classifier(FactorClassifier([], [], {}, fine=sure_fine))
    assert "bureaucracy" in [h.id for h in m.match(text).risks]
    assert "bureaucracy" not in [h.id for h in m.match(text + " The invoices are paid on time.").risks]


def test_the_veto_needs_the_fine_model_to_be_sure(matcher: Matcher) -> None:
    text = "Their lawyers have been sitting on the MOU since March. The invoices are paid on time."
    (invoice,) = features("invoices")
    unsure = FactorClassifier(["bureaucracy"], [0.0], {invoice: [(0, 0.5)]})  # 62%: below the veto
    m = matcher.with_classifier(FactorClassifier([], [], {}, fine=unsure))
    assert "bureaucracy" in [h.id for h in m.match(text).risks]


def test_the_shipped_fine_model_knows_every_risk_it_was_given_examples_for(kb: KnowledgeBase) -> None:
    model = FactorClassifier.load()
    assert model is not None and model.fine is not None
    assert set(model.fine.factors) <= {f.id for f in kb.negatives}
    assert len(model.fine.factors) >= len(kb.negatives) - 2


def test_training_can_leave_scenario_sets_out(kb: KnowledgeBase) -> None:
    """For benchmarks/match_crossval.py: the sets left out give no example at all."""
    left_out = load_scenarios([SCENARIOS / "writer-a.yaml"])
    everything = examples(kb)
    without = examples(kb, frozenset({"writer-a"}))
    assert len(everything) - len(without) == len(left_out)
    assert not {s.text for s in left_out} & {item.text for item in without}
