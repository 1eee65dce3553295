"""`/partner-outcome` and the report's buttons: the outcome modal (field errors, success, double
submission), the share modal, and App Home."""

from __future__ import annotations

import json

import slack_payloads as payloads
from fake_slack_api import FakeSlackAPI
from interview_driver import ALICE, answer_current, reports
from slack_harness import SlackHarness, body_json

from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.slack.ids import Action, OutcomeBlock, OutcomeInput

TEAM = "T0TEAM001"
IDEA = ("We want to partner with a pharma company on diabetes screening in rural clinics, but they want "
        "exclusive rights to the patient data and our board has not signed off yet.")


def option(value: str) -> dict:
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def outcome_values(*, name: str = "Rural screening", sectors=("industry", "nonprofit"), region: str | None = "other",
                   status: str | None = "struggling", factors=("lack-of-trust",), lesson: str = "",
                   anonymous: bool = False) -> dict:
    return {
        OutcomeBlock.name: {OutcomeInput.name: {"type": "plain_text_input", "value": name}},
        OutcomeBlock.sectors: {OutcomeInput.sectors: {"type": "multi_static_select",
                                                      "selected_options": [option(s) for s in sectors]}},
        OutcomeBlock.region: {OutcomeInput.region: {"type": "static_select",
                                                    "selected_option": option(region) if region else None}},
        OutcomeBlock.status: {OutcomeInput.status: {"type": "static_select",
                                                    "selected_option": option(status) if status else None}},
        OutcomeBlock.factors: {OutcomeInput.factors: {"type": "multi_static_select",
                                                      "selected_options": [option(f) for f in factors]}},
        OutcomeBlock.lesson: {OutcomeInput.lesson: {"type": "plain_text_input", "value": lesson or None}},
        OutcomeBlock.anonymise: {OutcomeInput.anonymise: {
            "type": "checkboxes", "selected_options": [option("anonymous")] if anonymous else []}},
    }


def opened_view(fake: FakeSlackAPI) -> dict:
    return fake.last("views.open").view()


def stored_outcomes(slack_db, kb, user: str | None = ALICE):
    return OutcomeService(slack_db, kb, TEAM).list(user_id=user)


def test_the_command_opens_the_modal_with_every_factor(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                       kb: KnowledgeBase) -> None:
    slack.command("/partner-outcome")
    call = fake_slack.last("views.open")
    assert call.params["trigger_id"]
    view = call.view()
    assert view["callback_id"] == "outcome_modal" and view["type"] == "modal"
    block_ids = [b["block_id"] for b in view["blocks"]]
    assert block_ids == [b.value for b in (OutcomeBlock.name, OutcomeBlock.sectors, OutcomeBlock.region,
                                           OutcomeBlock.status, OutcomeBlock.factors, OutcomeBlock.lesson,
                                           OutcomeBlock.anonymise)]
    factors = next(b for b in view["blocks"] if b["block_id"] == OutcomeBlock.factors)["element"]
    offered = {o["value"] for group in factors["option_groups"] for o in group["options"]}
    assert offered == set(kb.factors)


def test_invalid_input_comes_back_as_field_errors_and_stores_nothing(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                                    slack_db, kb) -> None:
    slack.command("/partner-outcome")
    view = opened_view(fake_slack)
    response = slack.submit_view(view, outcome_values(name="   ", status=None, factors=("made-up-factor",)))
    assert response.status == 200
    body = body_json(response)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {OutcomeBlock.name, OutcomeBlock.status, OutcomeBlock.factors}
    assert "made-up-factor" in body["errors"][OutcomeBlock.factors]
    assert "view" not in body, "the modal stays as the person filled it in"
    assert stored_outcomes(slack_db, kb) == []
    assert not fake_slack.calls_to("chat.postMessage")


def test_a_valid_outcome_is_stored_confirmed_by_dm_and_shown_on_home(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                                    slack_db, kb) -> None:
    slack.command("/partner-outcome")
    response = slack.submit_view(opened_view(fake_slack), outcome_values(
        lesson="Agree data terms first. <!channel> <https://evil.example|click>", factors=("lack-of-trust",
                                                                                          "start-small")))
    assert response.status == 200 and not response.body, "an empty ack closes the modal"
    [record] = stored_outcomes(slack_db, kb)
    assert (record.name, record.status.value, record.region.value) == ("Rural screening", "struggling", "other")
    assert record.factors == ["lack-of-trust", "start-small"] and record.logged_by == ALICE
    dm = fake_slack.last("chat.postMessage")
    assert dm.params["channel"] == ALICE and "Rural screening" in dm.text_everywhere()
    assert "<!channel>" not in dm.text_everywhere() and "<https://evil.example" not in dm.text_everywhere()
    home = fake_slack.last("views.publish")
    assert home.params["user_id"] == ALICE and "Rural screening" in home.text_everywhere()


def test_a_double_submission_stores_one_outcome(slack: SlackHarness, fake_slack: FakeSlackAPI, slack_db, kb) -> None:
    slack.command("/partner-outcome")
    view = opened_view(fake_slack)
    first = slack.submit_view(view, outcome_values(), view_id="V0DOUBLE1")
    second = slack.submit_view(view, outcome_values(), view_id="V0DOUBLE1")
    assert first.status == second.status == 200
    assert len(stored_outcomes(slack_db, kb)) == 1
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == ALICE]) == 1


def test_errors_then_a_fix_on_the_same_form_store_the_outcome(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                              slack_db, kb) -> None:
    slack.command("/partner-outcome")
    view = opened_view(fake_slack)
    assert body_json(slack.submit_view(view, outcome_values(region=None), view_id="V0FIX0001"))["errors"]
    assert not slack.submit_view(view, outcome_values(), view_id="V0FIX0001").body
    assert len(stored_outcomes(slack_db, kb)) == 1


def test_an_expired_trigger_is_explained(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    fake_slack.fail("views.open", "expired_trigger_id")
    response = slack.command("/partner-outcome", hook="late")
    assert response.status == 200
    assert "took Slack too long" in fake_slack.last("response_url:late").params["text"]


def finish_interview(slack: SlackHarness, fake: FakeSlackAPI) -> None:
    slack.command("/partner", IDEA)
    while not reports(fake):
        answer_current(slack, fake)


def test_log_outcome_from_a_report_is_prefilled_and_linked(slack: SlackHarness, fake_slack: FakeSlackAPI,
                                                           slack_db, kb) -> None:
    finish_interview(slack, fake_slack)
    slack.click(reports(fake_slack)[-1], Action.log_outcome)
    view = opened_view(fake_slack)
    interview_id = json.loads(view["private_metadata"])["interview_id"]
    assert interview_id
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert blocks[OutcomeBlock.name]["initial_value"].startswith("We want to partner")
    assert blocks[OutcomeBlock.factors]["initial_options"], "the report's factors are suggested"

    slack.submit_view(view, outcome_values(name="Screening pilot"))
    [record] = stored_outcomes(slack_db, kb)
    assert record.interview_id == interview_id


def test_share_to_channel_posts_the_report_there(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    finish_interview(slack, fake_slack)
    slack.click(reports(fake_slack)[-1], Action.share_report)
    view = opened_view(fake_slack)
    assert view["callback_id"] == "share_modal"
    fake_slack.clear()
    values = {"share_channel": {"share_channel_input": {"type": "conversations_select",
                                                        "selected_conversation": "C0SHARE01"}}}
    assert slack.submit_view(view, values).status == 200
    shared = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0SHARE01"]
    assert shared and "shared this partnership advice" in shared[0].text_everywhere()
    assert all(Action.log_outcome not in c.text_everywhere() for c in shared), "no buttons in the shared copy"


def test_sharing_to_a_channel_the_bot_is_not_in_says_so(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    finish_interview(slack, fake_slack)
    slack.click(reports(fake_slack)[-1], Action.share_report)
    view = opened_view(fake_slack)
    fake_slack.fail("chat.postMessage", "not_in_channel")
    values = {"share_channel": {"share_channel_input": {"type": "conversations_select",
                                                        "selected_conversation": "C0PRIVATE"}}}
    slack.submit_view(view, values)
    note = fake_slack.last("chat.postMessage")
    assert note.params["channel"] == ALICE and "/invite" in note.params["text"]


def test_someone_else_cannot_log_or_share_your_report(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    finish_interview(slack, fake_slack)
    slack.click(reports(fake_slack)[-1], Action.share_report, user="U0BOB0001", hook="bob")
    assert "belongs to <@U0ALICE01>" in fake_slack.last("response_url:bob").params["text"]
    assert not fake_slack.calls_to("views.open")


# -- App Home -------------------------------------------------------------------------------------

def open_home(slack: SlackHarness, fake: FakeSlackAPI, user: str = ALICE) -> dict:
    slack.event(payloads.app_home_opened_event(user=user))
    call = fake.last("views.publish")
    assert call.params["user_id"] == user
    return call.view()


def test_app_home_shows_interviews_in_progress_with_resume(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    home = open_home(slack, fake_slack)
    assert home["type"] == "home" and "None in progress" in json.dumps(home)
    slack.command("/partner", IDEA)
    home = open_home(slack, fake_slack)
    assert "We want to partner with a pharma company" in json.dumps(home)

    fake_slack.clear()
    slack.click_in_view(home, Action.resume)
    question = fake_slack.last("chat.postMessage")
    assert question.params["channel"] == "D0ALICE01" and "Picking up where you left off" in question.text_everywhere()


def test_app_home_shows_the_teams_outcomes_and_figures_and_hides_anonymous_names(
    slack: SlackHarness, fake_slack: FakeSlackAPI
) -> None:
    slack.command("/partner-outcome")
    slack.submit_view(opened_view(fake_slack), outcome_values(name="Quiet one", anonymous=True), view_id="V0ANON001")
    slack.command("/partner-outcome", user="U0BOB0001")
    slack.submit_view(opened_view(fake_slack), outcome_values(name="Loud one", status="successful",
                                                              factors=("start-small",)),
                      user="U0BOB0001", view_id="V0LOUD001")
    home = json.dumps(open_home(slack, fake_slack, user="U0CAROL01"))
    assert "Quiet one" in home and "Loud one" in home
    assert "someone (anonymous)" in home and "<@U0BOB0001>" in home and "U0ALICE01" not in home
    assert "2 outcomes logged" in home
    assert "Start small" in home or "Starting small" in home


def test_the_messages_tab_publishes_nothing(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    slack.event(payloads.app_home_opened_event(user=ALICE, tab="messages"))
    assert not fake_slack.calls_to("views.publish")


def test_start_from_app_home_opens_a_dm_interview(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    home = open_home(slack, fake_slack)
    slack.click_in_view(home, Action.start)
    assert fake_slack.last("chat.postMessage").params["channel"] == "D0ALICE01"


def test_log_outcome_from_app_home_opens_the_modal(slack: SlackHarness, fake_slack: FakeSlackAPI) -> None:
    home = open_home(slack, fake_slack)
    slack.click_in_view(home, Action.home_log_outcome)
    assert opened_view(fake_slack)["callback_id"] == "outcome_modal"
