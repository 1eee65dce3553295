"""An interview carried on in a Slack DM or thread, one stored step at a time.

Every step loads the interview from the database, applies one engine step, and saves it with the
version it was loaded at; only then does anything go to Slack. So any process can serve any step,
a double click or a redelivered message cannot answer twice, and a Slack failure after the save
loses nothing: `/partner resume` shows the question again.

The Slack side keeps one detail of its own in the stored state, under `"slack"`: where the current
question was posted, so its buttons can be replaced once it is answered by a typed reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.advice.models import AdviceReport
from bot.advice.report import build_report
from bot.followups import schedule_after_advice
from bot.interview.engine import InterviewEngine, InterviewError, Prompt, StepResult
from bot.interview.state import InterviewState
from bot.outcomes.similar import with_team_history
from bot.slack.blocks.common import Message
from bot.slack.blocks.interview import (
    StepToken,
    answer_words,
    answered_message,
    closed_message,
    intro_text,
    prompt_message,
)
from bot.slack.blocks.report import report_messages
from bot.slack.middleware import UserFacingError
from bot.slack.services import SlackServices, services_of, team_of
from bot.slack.web import describe_api_error
from bot.storage.errors import ConcurrentUpdateError
from bot.storage.interviews import InterviewRecord

log = logging.getLogger(__name__)

SLACK_KEY = "slack"
StepKind = Literal["answer", "back", "skip", "dont_know", "finish"]
TYPED_STEPS: dict[str, StepKind] = {"back": "back", "skip": "skip", "finish": "finish", "done": "finish"}
RESUME_HINT = "Your answers are saved; `/partner resume` shows where you are."


@dataclass(frozen=True)
class Place:
    """Where an interview is carried on: a DM channel, or a channel thread."""

    channel: str
    thread_ts: str | None = None


@dataclass
class Stepped:
    """What became of one attempted step."""

    status: Literal["advanced", "refused", "stale", "closed"]
    record: InterviewRecord
    prompt: Prompt | None = None
    kind: StepKind = "answer"
    state: InterviewState | None = None
    message: str | None = None


def position(state: InterviewState) -> str:
    """Changes with every step that moves the interview, so an old button cannot match again."""
    return f"{len(state.history)}.{len(state.declined)}"


class Conversation:
    @classmethod
    def of(cls, context: BoltContext, client: WebClient) -> Conversation:
        return cls(services_of(context), client, team_of(context))

    def __init__(self, services: SlackServices, client: WebClient, team_id: str) -> None:
        self.services = services
        self.client = client
        self.team_id = team_id
        self.engine: InterviewEngine = services.engine
        self.repo = services.interviews()

    # -- starting, resuming, restarting --------------------------------------------------------

    def open_dm(self, user_id: str) -> str:
        return str(self.client.conversations_open(users=user_id)["channel"]["id"])

    def start(self, *, user_id: str, place: Place, seed: str | None = None) -> InterviewRecord:
        seed = (seed or "").strip() or None
        state = self.engine.start(seed)
        record = self.repo.create(
            team_id=self.team_id, user_id=user_id, surface="thread" if place.thread_ts else "dm",
            state=state.model_dump(mode="json"), channel_id=place.channel, thread_ts=place.thread_ts,
        )
        self.show_current(record, intro=intro_text(seed is not None, place.thread_ts is not None))
        return record

    def latest_open(self, user_id: str) -> InterviewRecord | None:
        return self.repo.latest_open(self.team_id, user_id, "dm") or self.repo.latest_open(
            self.team_id, user_id, "thread")

    def show_current(self, record: InterviewRecord, *, intro: str | None = None, again: bool = False) -> None:
        """Post the question this interview is on; an interview with nothing left to ask gets its report.

        `again` marks a re-post (resume): the earlier copy of the question loses its buttons.
        """
        if record.status == "abandoned":
            raise UserFacingError("That interview was closed. `/partner` starts a new one.")
        state = self._state(record)
        prompt = self.engine.current(state)
        if prompt is None or record.status == "finished":
            self.finish(record, state, store_advice=False)
            return
        if again:
            self._retire_prompt(record, lambda earlier: closed_message(earlier.text, "Asked again below."))
        token = StepToken(record.id, prompt.question_id, position(state))
        message = prompt_message(prompt, token, in_thread=record.thread_ts is not None, intro=intro)
        response = self._post(record, message)
        self._remember_prompt(record, str(response["channel"]), str(response["ts"]))

    def restart(self, record: InterviewRecord) -> InterviewRecord:
        """Close this interview (it stays stored, as abandoned) and start a fresh one in the same place."""
        self.close(record, "You started over.")
        return self.start(user_id=record.user_id, place=Place(str(record.channel_id), record.thread_ts))

    def close(self, record: InterviewRecord, why: str) -> None:
        try:
            self.repo.save(self.team_id, record.id, record.state, expected_version=record.version, status="abandoned")
        except ConcurrentUpdateError:
            current = self.repo.get(self.team_id, record.id)
            if current is not None and current.status == "open":
                self.repo.save(self.team_id, current.id, current.state, expected_version=current.version,
                               status="abandoned")
        self._retire_prompt(record, lambda prompt: closed_message(prompt.text, why))

    # -- steps ---------------------------------------------------------------------------------

    def step(self, record: InterviewRecord, kind: StepKind, value: object = None, *,
             expected: StepToken | None = None, retry: bool = True) -> Stepped:
        """Apply one step if the interview is still where `expected` says; save it, or say why not.

        A save that loses to a write which only stored where a question was posted (the interview is
        at the same step) is tried once more on the newer record, so a quick click is not refused."""
        state = self._state(record)
        prompt = self.engine.current(state)
        if record.status != "open" or prompt is None:
            return Stepped("closed", record)
        if expected is not None and (expected.question_id, expected.position) != (prompt.question_id,
                                                                                   position(state)):
            return Stepped("stale", record, prompt)
        result = self._apply(state, kind, value)
        if not result.accepted:
            return Stepped("refused", record, prompt, kind, message=result.message)
        finished = self.engine.is_finished(result.state)
        # The answered question's message is dealt with by follow_up(); the next one records its own place.
        data = {**result.state.model_dump(mode="json"), SLACK_KEY: {}}
        try:
            saved = self.repo.save(self.team_id, record.id, data, expected_version=record.version,
                                   status="finished" if finished else None)
        except ConcurrentUpdateError:
            fresh = self.repo.get(self.team_id, record.id) if retry else None
            if fresh is not None and fresh.status == record.status and self._at(fresh) == (prompt.question_id,
                                                                                          position(state)):
                return self.step(fresh, kind, value, expected=expected, retry=False)
            return Stepped("stale", record, prompt)
        return Stepped("advanced", saved, prompt, kind, result.state)

    def _at(self, record: InterviewRecord) -> tuple[str, str] | None:
        """The question and step an interview is at (None once nothing is left to ask)."""
        state = self._state(record)
        prompt = self.engine.current(state)
        return (prompt.question_id, position(state)) if prompt is not None else None

    def _apply(self, state: InterviewState, kind: StepKind, value: object) -> StepResult:
        if kind == "back":
            return self.engine.back(state)
        if kind == "skip":
            return self.engine.skip(state)
        if kind == "dont_know":
            return self.engine.dont_know(state)
        if kind == "finish":
            return self.engine.finish(state)
        return self.engine.answer(state, value)

    def follow_up(self, stepped: Stepped, *, answered_at: tuple[str, str] | None = None,
                  previous: InterviewRecord | None = None) -> None:
        """After a saved step: the answered question loses its buttons, then the next one (or the report)."""
        assert stepped.status == "advanced" and stepped.prompt is not None and stepped.state is not None
        summary = answered_message(stepped.prompt, self._outcome_words(stepped))
        if answered_at is not None:
            self._update(answered_at[0], answered_at[1], summary)
        elif previous is not None:
            self._retire_prompt(previous, lambda _prompt: summary)
        if stepped.record.status == "finished":
            self.finish(stepped.record, stepped.state, store_advice=True)
        else:
            self.show_current(stepped.record)

    def take_typed(self, record: InterviewRecord, text: str) -> Stepped | None:
        """Store what a typed reply does to the interview, without touching Slack (so it can run before
        Slack is acknowledged); None for "restart", which is carried out by `typed`."""
        word = " ".join(text.lower().split()).strip(" .!")
        if word == "restart":
            return None
        kind = TYPED_STEPS.get(word, "answer")
        return self.step(record, kind, text if kind == "answer" else None)

    def typed(self, record: InterviewRecord, user_id: str, text: str, *, taken: Stepped | None = None) -> None:
        """A typed reply: an answer to the current question, or one of the words back/skip/finish/restart.

        `taken` is the step `take_typed` already stored for this reply, if it ran first."""
        stepped = taken or self.take_typed(record, text)
        if stepped is None:
            self.restart(record)
            return
        if stepped.status == "advanced":
            self.follow_up(stepped, previous=record)
        elif stepped.status == "refused":
            self.tell(record, user_id, stepped.message or "I could not take that answer.")
        elif stepped.status == "stale":
            self.tell(record, user_id, "That crossed with another answer; here is where we are now.")
            fresh = self.repo.get(self.team_id, record.id)
            if fresh is not None:
                self.show_current(fresh)
        else:
            self.tell(record, user_id, "This interview is already finished. `/partner` starts a new one.")

    # -- the end -------------------------------------------------------------------------------

    def finish(self, record: InterviewRecord, state: InterviewState, *, store_advice: bool) -> None:
        """Post the advice report, with the team's own history beside it. Only the one step that finished
        the interview stores the advice, and schedules the follow-up that asks how it went."""
        report = build_report(state, self.engine.kb, self.engine.flow)
        report = with_team_history(report, self.services.db, self.engine.kb, self.team_id,
                                   interview_id=record.id, viewer=record.user_id)
        if store_advice:
            self.services.advice().record(self.team_id, record.id, report.factor_hits())
            schedule_after_advice(self.services.db, team_id=self.team_id, interview_id=record.id,
                                  user_id=record.user_id, surface=record.surface, title=report.description or "",
                                  days=self.services.settings.followup_days)
        for message in report_messages(report, interview_id=record.id):
            self._post(record, message)

    def report(self, record: InterviewRecord) -> AdviceReport:
        """The advice report of a stored interview, rebuilt from its answers (the same answers give the same report)."""
        return build_report(self._state(record), self.engine.kb, self.engine.flow)

    # -- Slack plumbing ------------------------------------------------------------------------

    def tell(self, record: InterviewRecord, user_id: str, text: str) -> None:
        """A private note to one person where the interview is happening."""
        self.client.chat_postEphemeral(channel=str(record.channel_id), user=user_id, text=text,
                                       thread_ts=record.thread_ts)

    def _state(self, record: InterviewRecord) -> InterviewState:
        try:
            return self.engine.resume(record.state)
        except InterviewError as exc:
            raise UserFacingError(f"This interview cannot be continued: {exc}. `/partner restart` starts over.") \
                from None

    def _post(self, record: InterviewRecord, message: Message) -> Any:
        try:
            return self.client.chat_postMessage(channel=str(record.channel_id), thread_ts=record.thread_ts,
                                                unfurl_links=False, unfurl_media=False, **message.as_kwargs())
        except SlackApiError as exc:
            raise UserFacingError(f"{describe_api_error(exc)} {RESUME_HINT}") from exc

    def _update(self, channel: str, ts: str, message: Message) -> None:
        """Replace a posted question; if that fails the step is still saved, so it is only logged."""
        try:
            self.client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        except SlackApiError as exc:
            log.warning("could not update an answered question (%s)", describe_api_error(exc))

    def _remember_prompt(self, record: InterviewRecord, channel: str, ts: str) -> None:
        data = {**record.state, SLACK_KEY: {"prompt": {"channel": channel, "ts": ts}}}
        try:
            self.repo.save(self.team_id, record.id, data, expected_version=record.version)
        except ConcurrentUpdateError:
            log.info("interview %s moved on before its question's place was stored", record.id)

    def _retire_prompt(self, record: InterviewRecord, replacement: Callable[[Prompt], Message]) -> None:
        """Replace the last posted question of `record` (as it was before the step) with `replacement`."""
        where = (record.state.get(SLACK_KEY) or {}).get("prompt") or {}
        prompt = self.engine.current(self._state(record))
        if where.get("channel") and where.get("ts") and prompt is not None:
            self._update(where["channel"], where["ts"], replacement(prompt))

    def _outcome_words(self, stepped: Stepped) -> str:
        assert stepped.prompt is not None and stepped.state is not None
        prompt = stepped.prompt
        if stepped.kind == "back":
            return ":leftwards_arrow_with_hook: _You went back._"
        if stepped.kind == "finish":
            return ":checkered_flag: _You finished here._"
        answer = stepped.state.answers.get(prompt.question_id)
        if prompt.is_confirmation and answer is None:
            return ":white_check_mark: No, you'll answer the question instead."
        question = self.engine.flow.question(prompt.question_id) if self.engine.flow.has(prompt.question_id) else None
        return f":white_check_mark: {answer_words(question, answer)}"
