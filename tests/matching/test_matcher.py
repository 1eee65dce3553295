"""The matcher's behaviour on the things managers actually write."""

from __future__ import annotations

import pytest

from bot.kb.loader import KnowledgeBase
from bot.matching import MAX_CHARS, match_text


def risks(text: str, kb: KnowledgeBase, sectors: tuple[str, ...] = ()) -> list[str]:
    return [h.id for h in match_text(text, sectors, kb).risks]


def strengths(text: str, kb: KnowledgeBase) -> list[str]:
    return [h.id for h in match_text(text, (), kb).strengths]


def test_finds_a_risk_with_its_evidence_span(kb: KnowledgeBase) -> None:
    text = "Things were fine. Then the VP who pushed this left the company and nobody picked it up."
    result = match_text(text, (), kb)
    hit = next(h for h in result.risks if h.id == "champion-turnover")
    assert 0.0 <= hit.score <= 1.0
    assert text[hit.start:hit.end] == hit.evidence
    assert "VP who pushed this left" in hit.evidence


def test_results_are_ranked_best_first_and_scored_in_range(kb: KnowledgeBase) -> None:
    result = match_text(
        "Their lawyers have been sitting on the MOU since March. Our champion retired and the new lead "
        "is not interested. The grant runs out in June and nobody has a plan for after.", (), kb
    )
    scores = [h.score for h in result.risks]
    assert scores == sorted(scores, reverse=True)
    assert {"bureaucracy", "champion-turnover", "no-sustainability-plan"} <= set(r.id for r in result.risks)


@pytest.mark.parametrize(
    ("text", "topic", "strength"),
    [
        ("We've trusted each other for a decade.", "lack-of-trust", "mutual-trust-and-respect"),
        ("Funding is secured until 2030.", "insufficient-funding", "adequate-resources"),
        ("No turf wars this time.", "competition-between-partners", None),
        ("Money isn't the problem, the grant runs to 2029.", "insufficient-funding", None),
        ("The data use agreement was signed in six weeks.", "data-and-ip-barriers", None),
        ("No trust issues this time, which is a first for us.", "lack-of-trust", None),
        ("The old turf war between us is water under the bridge.", "competition-between-partners", None),
        ("We learned to work with their slower sign-off process.", "bureaucracy", None),
        ("The paperwork is not our issue at all.", "bureaucracy", None),
        ("We're relaxed about the election, every party backs the programme.", "policy-and-political-instability", None),
        ("There's no confusion about who does what.", "unclear-roles", None),
    ],
)
def test_positive_or_negated_topics_are_never_risks(
    kb: KnowledgeBase, text: str, topic: str, strength: str | None
) -> None:
    assert topic not in risks(text, kb)
    if strength:
        assert strength in strengths(text, kb)


def test_a_negated_strength_becomes_its_risk(kb: KnowledgeBase) -> None:
    assert "lack-of-leadership-buy-in" in risks("Our board would never approve it and the CEO won't sign off.", kb)


def test_a_wish_is_not_a_fact(kb: KnowledgeBase) -> None:
    assert "flexibility-and-adaptability" not in strengths(
        "When we ask to adapt the model for our families, the answer is that the contract doesn't allow it.", kb
    )


@pytest.mark.parametrize(
    "text",
    [
        "Their directer resigned and the new one does'nt care about the partnership",  # typos
        "THEIR DIRECTOR RESIGNED AND THE NEW ONE DOES NOT CARE",  # shouting
        "their director is resigning, the replacement doesn't care",  # inflection
    ],
)
def test_typos_case_and_inflection_do_not_break_matching(kb: KnowledgeBase, text: str) -> None:
    assert "champion-turnover" in risks(text, kb)


def test_typo_in_a_concept_word_is_forgiven(kb: KnowledgeBase) -> None:
    assert "bureaucracy" in risks("The burocracy at the ministry is unbelievable, approvals take months.", kb)


def test_sectors_are_context_not_a_filter(kb: KnowledgeBase) -> None:
    text = "Our contact at the company left and her successor has never heard of us."
    plain = {h.id: h.score for h in match_text(text, (), kb).risks}
    with_sector = {h.id: h.score for h in match_text(text, ("industry",), kb).risks}
    assert "champion-turnover" in plain and "champion-turnover" in with_sector


@pytest.mark.parametrize("text", ["", "   \n\t", "\x00\x01\x02", "🙂🙂🙂", "Привет, как дела?", "你好，我们的合作很好"])
def test_odd_input_returns_an_empty_result(kb: KnowledgeBase, text: str) -> None:
    result = match_text(text, (), kb)
    assert result.risks == [] and result.strengths == []


def test_long_input_is_read_up_to_the_limit_and_flagged(kb: KnowledgeBase) -> None:
    filler = "We met again today and talked about the weather. " * 600
    text = "Our champion left last month and nobody returns calls. " + filler
    result = match_text(text, (), kb)
    assert len(text) > MAX_CHARS and result.truncated
    assert "champion-turnover" in [h.id for h in result.risks]


def test_evidence_points_into_the_cleaned_text_even_with_unusual_characters(kb: KnowledgeBase) -> None:
    text = "Update \u2014 our \u201cchampion\u201d left\u00a0in May and nobody returns calls \U0001F643"
    result = match_text(text, (), kb)
    assert result.risks
    for hit in result.risks:
        assert hit.evidence and hit.end > hit.start


def test_negating_words_keep_negating_with_a_clitic_or_a_stray_apostrophe() -> None:
    from bot.matching.text import tokenize

    negators = {t.text: t.negator for t in tokenize("nobody's noone's nothing's nobody'll does'nt doesnt cant")}
    assert negators == {"nobody's": True, "noone's": True, "nothing's": True, "nobody'll": True,
                        "doesn't": True, "can't": True}
    assert [t.negator for t in tokenize("no one's")] == [True, False]
    assert not any(t.negator for t in tokenize("everyone's anybody's one's"))


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("No one's ever really been short of funding here.", "insufficient-funding"),
        ("Noone's short of funding this year, the core grant runs to 2030.", "insufficient-funding"),
        ("No one's ever once raised any turf issues with the other NGOs.", "competition-between-partners"),
        ("Nobody's ever once had any trust issues with the district team.", "lack-of-trust"),
        ("No-one's ever been left out of the planning for the clinics.", "excluded-stakeholders"),
    ],
)
def test_no_one_s_and_nobody_s_negate_like_no_one_and_nobody(kb: KnowledgeBase, text: str, topic: str) -> None:
    assert topic not in risks(text, kb)


@pytest.mark.parametrize(
    "word", ["stalling", "clashes", "maternal", "causing", "housing", "oversight", "wording", "trialled", "redeploying"]
)
def test_real_words_and_their_inflections_are_never_rewritten(kb: KnowledgeBase, word: str) -> None:
    from bot.matching import get_matcher
    from bot.matching.text import clauses
    from bot.matching.words import is_english

    assert is_english(word)
    text = f"the {word} again"
    assert [t.text for t in get_matcher(kb)._correct_typos(clauses(text)[0], text).tokens] == ["the", word, "again"]


def test_words_that_are_not_english_are_still_corrected(kb: KnowledgeBase) -> None:
    from bot.matching.words import is_english

    assert not any(is_english(w) for w in ("comunication", "burocracy", "champian", "acountability"))
    assert "champion-turnover" in risks("Our champian left in May and nobody picked it up.", kb)
    assert "poor-communication" in risks("The comunication from their side has been terrible.", kb)


def test_a_name_inside_a_sentence_is_not_corrected(kb: KnowledgeBase) -> None:
    """"Wellcome" is a funder, not "welcome"; at the start of a sentence a misspelling is still fixed."""
    from bot.matching import get_matcher
    from bot.matching.text import clauses

    text = "We met the Wellcome team. Comunication is slow."
    words = [t.text for c in clauses(text) for t in get_matcher(kb)._correct_typos(c, text).tokens]
    assert "wellcome" in words and "communication" in words


def test_a_real_word_near_a_lexicon_word_does_not_raise_that_word_s_risk(kb: KnowledgeBase) -> None:
    # oversight is not "overnight", wording is not "working"
    found = risks("Their oversight board meets monthly and the wording of the MOU is clear.", kb)
    assert "culture-clash" not in found and "unrealistic-expectations" not in found


@pytest.mark.parametrize(
    "text",
    [
        "we have ፫ partners and ፲ sites, and the CEO left",  # digits that are not decimal digits
        "-".join(["the", "CEO", "left", "and", "nobody", "replaced", "her"] * 12),  # a long clause with no space in it
        "x" * 5000 + " the VP who pushed this left",
    ],
)
def test_odd_text_is_matched_without_error(kb: KnowledgeBase, text: str) -> None:
    result = match_text(text, (), kb)
    assert "champion-turnover" in [h.id for h in result.risks]
    for hit in [*result.risks, *result.strengths]:
        assert 0 <= hit.start < hit.end and hit.evidence.strip()


def test_the_english_word_list_is_shipped_with_its_notice() -> None:
    from bot.matching.words import WORDS_FILE, english_words

    head = WORDS_FILE.read_text(encoding="utf-8")[:2000]
    assert "SCOWL" in head and "Kevin Atkinson" in head and "Permission to use" in head
    words = english_words()
    assert 30_000 < len(words) < 80_000 and "stall" in words and "#" not in words


@pytest.mark.parametrize(
    ("text", "risk", "not_strength"),
    [
        ("We signed up for the data sharing pilot and their lawyers have blocked it for months.",
         "data-and-ip-barriers", "clear-roles-and-agreements"),
        ("The fine print says they own all the data.", "unclear-roles", "clear-roles-and-agreements"),
    ],
)
def test_signed_up_or_fine_print_do_not_say_a_topic_is_fine(
    kb: KnowledgeBase, text: str, risk: str, not_strength: str
) -> None:
    assert risk in risks(text, kb)
    assert not_strength not in strengths(text, kb)


def test_signed_still_says_an_agreement_is_fine(kb: KnowledgeBase) -> None:
    assert "data-and-ip-barriers" not in risks("The data sharing agreement was signed in six weeks.", kb)


def test_a_negated_canceller_does_not_cancel_a_trigger(kb: KnowledgeBase) -> None:
    """"nobody picked it up" is not a successor who picked it up."""
    from bot.matching import get_matcher

    rows = get_matcher(kb).explain("Our champion left last month and nobody picked it up.")
    assert any(fid == "champion-turnover" and why.startswith("trigger") for fid, _, why, _ in rows)


def test_trigger_none_names_known_factors_and_concepts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.kb.loader import KnowledgeError, load_knowledge
    from bot.matching import Matcher

    (tmp_path / "matching").mkdir()
    rules = tmp_path / "matching" / "ours.yaml"
    rules.write_text("trigger_none:\n  champion-turnover:\n    - {none: [NO_SUCH_CONCEPT]}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="NO_SUCH_CONCEPT"):
        Matcher(load_knowledge([tmp_path]))
    rules.write_text("trigger_none:\n  no-such-factor:\n    - {none: [PERSON]}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no-such-factor"):
        Matcher(load_knowledge([tmp_path]))


@pytest.mark.parametrize(
    "text",
    [
        "we want to fix the data sharing but their lawyers have blocked it for months",
        "We want to fix the data sharing, their lawyers have blocked it for months.",
        "We want to share data and their lawyers have blocked it for months.",
    ],
)
def test_a_wish_does_not_cancel_the_facts_around_it(kb: KnowledgeBase, text: str) -> None:
    assert "data-and-ip-barriers" in risks(text, kb)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("We want to avoid overloading the ward staff, so the training is online.", "limited-capacity"),
        ("We'd like to avoid a situation where nobody owns the data.", "unclear-roles"),
        ("We're still checking whether their lawyers will block the data sharing.", "data-and-ip-barriers"),
    ],
)
def test_what_a_wish_or_question_governs_is_still_not_a_fact(kb: KnowledgeBase, text: str, topic: str) -> None:
    assert topic not in risks(text, kb)


def test_stems_keep_apart_words_that_differ_only_by_a_final_e() -> None:
    from bot.matching.text import stem

    for with_e, without in (("quite", "quit"), ("made", "mad"), ("noted", "not"), ("sites", "sit"), ("here", "her")):
        assert stem(with_e) != stem(without), (with_e, without)
    assert stem("noting") == stem("notes") == stem("note")
    assert stem("caring") == stem("cared") == stem("care")
    assert stem("leaving") == stem("leaves") == stem("leave")


def test_quite_is_not_quit(kb: KnowledgeBase) -> None:
    assert "champion-turnover" not in risks("Our lead there is quite new but quite committed to this.", kb)


def test_not_yet_stays_in_one_clause(kb: KnowledgeBase) -> None:
    """A bare "yet" is mostly "not yet": it must not cut the negation off from what it negates."""
    assert "data-and-ip-barriers" in risks("The data agreement is not yet signed, eight months on.", kb)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The MOU took nine months to sign, but that is behind us now.", "bureaucracy"),
        ("Their lawyers sat on the data agreement for months, which was sorted in the end.", "data-and-ip-barriers"),
        ("Our two boards want quite different things from this, and that is fine and written down.", "misaligned-goals"),
    ],
)
def test_a_problem_the_next_clause_calls_fine_is_not_a_risk(kb: KnowledgeBase, text: str, topic: str) -> None:
    assert topic not in risks(text, kb)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Their lawyers have been sitting on the MOU since March, and that is not fine.", "bureaucracy"),
        ("The grant ends in March and nobody has a plan, but the team is great.", "insufficient-funding"),
    ],
)
def test_only_a_clause_that_refers_back_and_is_not_negated_settles_one(kb: KnowledgeBase, text: str, topic: str) -> None:
    assert topic in risks(text, kb)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (("We were worried at first that the two charities would fight over the same donors, but they raise money"
         " in different cities."), "competition-between-partners"),
        ("I expected their legal team to sit on the contract for months. In fact it was signed in three weeks.",
         "bureaucracy"),
        (("Our main contact at the council retired in June and we feared the worst, but her deputy had been in every"
         " meeting and nothing changed."), "champion-turnover"),
        (("At first the clinic staff were openly suspicious of the company, but after a year of honest dealing that"
         " wariness is gone."), "lack-of-trust"),
    ],
)
def test_a_past_fear_the_text_says_did_not_come_true_is_not_a_risk(kb: KnowledgeBase, text: str, topic: str) -> None:
    assert topic not in risks(text, kb)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # a fear of now, with a "but" about something else
        ("I'm worried the two charities will end up competing for the same donors, but the board likes the idea.",
         "competition-between-partners"),
        # what follows the contrast stands
        ("At first it looked like ordinary red tape, but the truth is they don't trust us with their data.",
         "lack-of-trust"),
        (("We thought the money would be the hard part, but the grant came through; the problem is that their"
         " director left in May and nobody replaced him."), "champion-turnover"),
        # a past fear with no contrast came true
        ("We were worried their director would leave, and in May she did; nobody has replaced her.",
         "champion-turnover"),
    ],
)
def test_a_fear_of_now_or_what_follows_the_contrast_still_counts(kb: KnowledgeBase, text: str, topic: str) -> None:
    assert topic in risks(text, kb)


def test_what_was_good_at_first_and_then_changed_is_not_a_strength(kb: KnowledgeBase) -> None:
    text = "At first we had a real champion on their side, but she moved to the ministry and nobody replaced her."
    assert "committed-champions" not in strengths(text, kb)
    assert "champion-turnover" in risks(text, kb)


def test_what_was_passed_over_is_not_a_risk(kb: KnowledgeBase) -> None:
    """"Instead of" and "rather than" say what was not done, without negating anything else."""
    direct = "The council used a direct award under the threshold instead of a full tender."
    assert "bureaucracy" not in risks(direct, kb)
    assert "bureaucracy" in risks("We have to run a full tender instead of a direct award.", kb)
    paid = "Four peer workers sit on the group and are paid for their time rather than consulted once a year."
    assert "excluded-stakeholders" not in risks(paid, kb)


def test_a_wide_negation_stops_where_a_new_statement_starts(kb: KnowledgeBase) -> None:
    found = risks("Nobody answers our emails and the funding ends in March.", kb)
    assert {"poor-communication", "insufficient-funding"} <= set(found)
    assert "insufficient-funding" not in risks("Nobody here ever worried that the funding would end.", kb)


def test_a_partner_s_wish_is_a_fact_about_the_partner(kb: KnowledgeBase) -> None:
    """Only our own wishes are hypothetical: "they want to block it" says something about them."""
    assert "data-and-ip-barriers" in risks("Their lawyers want to block the data sharing agreement.", kb)
    assert "data-and-ip-barriers" not in risks("We want to sort out the data sharing agreement next year.", kb)


def test_a_yes_no_question_is_not_a_strength(kb: KnowledgeBase) -> None:
    assert "adequate-resources" not in strengths("Has the county confirmed the funding for next year?", kb)
    assert "adequate-resources" in strengths("The county confirmed the funding for next year.", kb)
    assert "bureaucracy" in risks("Is it normal that their lawyers have sat on the MOU since March?", kb)


def test_contracts_signed_in_the_past_do_not_say_a_topic_is_fine(kb: KnowledgeBase) -> None:
    text = "The new administration is reviewing all contracts signed by the previous one, so our renewal is frozen."
    assert "policy-and-political-instability" in risks(text, kb)
