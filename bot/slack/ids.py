"""Every action_id, callback_id and block_id the app uses, in one place.

Listeners and builders refer to these names, never to bare strings, so a renamed id cannot silently
break a button.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Command(StrEnum):
    partner = "/partner"
    factor = "/factor"
    outcome = "/partner-outcome"


class Action(StrEnum):
    # /factor cards
    factor_lessons = "factor_lessons"
    factor_choose = "factor_choose"  # one per candidate, suffixed ":<n>"
    # the interview
    answer_choice = "interview_answer_choice"  # one per option, suffixed ":<n>" (action_ids are unique per block)
    answer_multi = "interview_answer_multi"
    answer_submit_multi = "interview_submit_multi"
    back = "interview_back"
    skip = "interview_skip"
    dont_know = "interview_dont_know"
    finish = "interview_finish"
    resume = "interview_resume"
    start = "interview_start"
    # the advice report
    share_report = "report_share"
    log_outcome = "report_log_outcome"
    # App Home
    home_log_outcome = "home_log_outcome"
    # a follow-up some days after the advice
    followup_log_outcome = "followup_log_outcome"
    followup_decline = "followup_decline"


class View(StrEnum):
    outcome_modal = "outcome_modal"
    share_modal = "share_modal"


class Block(StrEnum):
    multi_select = "interview_multi"
    share_channel = "share_channel"
    share_channel_input = "share_channel_input"


def indexed(action: Action, index: int) -> str:
    """An action_id for the n-th of several similar buttons; listeners match the prefix."""
    return f"{action.value}:{index}"


def matching(action: Action) -> re.Pattern[str]:
    """The listener constraint for `action` and its indexed variants."""
    return re.compile(rf"^{re.escape(action.value)}(:\d+)?$")


class OutcomeBlock(StrEnum):
    """block_ids of the outcome modal's inputs: `response_action: errors` is keyed by these."""

    name = "outcome_name"
    sectors = "outcome_sectors"
    region = "outcome_region"
    status = "outcome_status"
    factors = "outcome_factors"
    lesson = "outcome_lesson"
    anonymise = "outcome_anonymise"


class OutcomeInput(StrEnum):
    """action_ids of the outcome modal's input elements."""

    name = "name_input"
    sectors = "sectors_input"
    region = "region_input"
    status = "status_input"
    factors = "factors_input"
    lesson = "lesson_input"
    anonymise = "anonymise_input"
