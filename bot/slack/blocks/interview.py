"""Interview messages: a question with its buttons, the same question once answered, help and intros.

Every button carries a small JSON token naming the interview, the question and the step it belongs
to; a click whose token no longer matches the stored interview (a double click, an old message) is
refused, so no question is ever answered twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Option,
    PlainTextObject,
    StaticMultiSelectElement,
)

from bot.interview.engine import Prompt
from bot.interview.flow import DONT_KNOW, Question, QuestionKind
from bot.interview.state import Answer, AnswerStatus
from bot.slack.blocks.common import (
    MAX_OPTION_TEXT,
    Message,
    actions,
    button,
    context,
    label,
    sections,
)
from bot.slack.escape import escape_mrkdwn, quote
from bot.slack.ids import Action, Block, Command, indexed


@dataclass(frozen=True)
class StepToken:
    """Which interview, question and step a button belongs to."""

    interview_id: int
    question_id: str
    position: str

    def value(self, answer: str | None = None) -> str:
        data: dict[str, object] = {"i": self.interview_id, "q": self.question_id, "p": self.position}
        if answer is not None:
            data["a"] = answer
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def parse(cls, raw: str | None) -> tuple[StepToken, str | None] | None:
        try:
            data = json.loads(raw or "")
            token = cls(int(data["i"]), str(data["q"]), str(data["p"]))
        except (ValueError, KeyError, TypeError):
            return None
        answer = data.get("a")
        return token, (str(answer) if answer is not None else None)


def progress_line(prompt: Prompt) -> str:
    return prompt.progress[0].upper() + prompt.progress[1:]


def prompt_message(prompt: Prompt, token: StepToken, *, in_thread: bool, intro: str | None = None) -> Message:
    blocks = []
    if intro:
        blocks.extend(sections(intro))
    blocks.append(context(progress_line(prompt)))
    if prompt.is_confirmation:
        if prompt.evidence:
            blocks.extend(sections(f"You wrote:\n{quote(prompt.evidence)}"))
        blocks.extend(sections(f"*{escape_mrkdwn(prompt.text)}*"))
    else:
        text = f"*{escape_mrkdwn(prompt.text)}*"
        if prompt.help:
            text += f"\n_{escape_mrkdwn(prompt.help)}_"
        blocks.extend(sections(text))

    if prompt.kind in ("single", "scale", "confirm"):
        blocks.extend(actions(
            button(option.label, indexed(Action.answer_choice, n), token.value(option.value),
                   style="primary" if option.value == "yes" else None)
            for n, option in enumerate(prompt.options)
        ))
    elif prompt.kind == "multi":
        select = StaticMultiSelectElement(
            placeholder=PlainTextObject(text="Choose all that apply"),
            action_id=Action.answer_multi.value,
            options=[Option(value=o.value, text=PlainTextObject(text=label(o.label, MAX_OPTION_TEXT)))
                     for o in prompt.options],
        )
        submit = button("Continue", Action.answer_submit_multi, token.value(), style="primary")
        blocks.append(ActionsBlock(block_id=Block.multi_select.value, elements=[select, submit]).to_dict())
    else:
        where = "Reply in this thread" if in_thread else "Type your answer as a message here"
        blocks.append(context(f":pencil2: {where}: a sentence or two is plenty."))

    navigation = []
    if prompt.can_go_back:
        navigation.append(button("Back", Action.back, token.value()))
    if not prompt.required and prompt.kind != "confirm":
        navigation.append(button("Skip", Action.skip, token.value()))
        if prompt.allows_dont_know and not any(o.value == DONT_KNOW for o in prompt.options):
            navigation.append(button("Don't know", Action.dont_know, token.value()))
    if prompt.number > 1:
        navigation.append(button("Finish now", Action.finish, token.value()))
    blocks.extend(actions(navigation))
    return Message(text=escape_mrkdwn(f"{progress_line(prompt)}: {prompt.text}"), blocks=blocks)


def answer_words(question: Question | None, answer: Answer | None) -> str:
    """How an answer reads back to the person (escaped for mrkdwn)."""
    if answer is None:
        return "_(no answer)_"
    if answer.status is AnswerStatus.confirmed:
        return "Yes, that's right"
    if answer.status is AnswerStatus.dont_know:
        return "Don't know"
    if answer.status is AnswerStatus.skipped:
        return "Skipped"
    if answer.status is AnswerStatus.not_asked:
        return "Not asked"
    if question is not None and question.kind is QuestionKind.text:
        return "\n" + quote(str(answer.value or ""))
    labels = [question.label_for(v) if question else v for v in answer.values]
    return escape_mrkdwn(", ".join(labels))


def answered_message(prompt: Prompt, outcome: str) -> Message:
    """The question as it stays in the conversation once dealt with: no buttons left to click."""
    blocks = [
        context(progress_line(prompt)),
        *sections(f"*{escape_mrkdwn(prompt.text)}*\n{outcome}"),
    ]
    return Message(text=escape_mrkdwn(prompt.text), blocks=blocks)


def closed_message(prompt_text: str, why: str) -> Message:
    return Message(text=escape_mrkdwn(prompt_text), blocks=sections(f"~{escape_mrkdwn(prompt_text)}~\n_{why}_"))


def intro_text(seeded: bool, in_thread: bool) -> str:
    lines = [(":wave: *Let's think this partnership through.* I'll ask about a dozen short questions, then give "
              "you the risks to watch, strengths to build on and what is still unknown.")]
    if seeded:
        lines.append("I've taken your description as the first answer.")
    where = "this thread" if in_thread else "here"
    lines.append(f"You can stop any time and pick up later {where}; nothing you answer is lost.")
    return "\n".join(lines)


def help_message() -> Message:
    text = "\n".join([
        "*partnerbot* helps you think a health-sector partnership through before it fails.",
        (f"• `{Command.partner} [description]`: start an interview in a DM "
         "(a description answers the first question)"),
        f"• `{Command.partner} resume`: show the question you are on",
        f"• `{Command.partner} restart`: drop the interview in progress and start again",
        f"• `{Command.factor} QUERY`: look up a risk or success factor, e.g. `{Command.factor} trust`",
        f"• `{Command.outcome}`: log how a partnership turned out, so the team learns from it",
        "• Mention me in a channel with a description of an idea to run the interview in a thread.",
        "While answering you can also type *back*, *skip*, *finish* or *restart*.",
    ])
    return Message(text="How to use partnerbot", blocks=sections(text))
