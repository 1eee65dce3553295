"""The outcome modal (name, sectors, region, status, factors, lesson, anonymise) and its DM confirmation.

Field names in `OutcomeIn` map one to one onto input blocks, so a validation error on a field comes
back under that field in the modal (`response_action: errors`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.kb.loader import KnowledgeBase
from bot.kb.models import FactorKind, PartnershipStatus, Region, Sector
from bot.outcomes.models import NAME_MAX, OutcomeRecord
from bot.slack.blocks.common import MAX_OPTION_TEXT, Message, check_view_blocks, context, label, sections
from bot.slack.escape import escape_mrkdwn
from bot.slack.ids import OutcomeBlock, OutcomeInput
from bot.slack.ids import View as ViewId

LESSON_MAX_IN_SLACK = 3000  # Slack's limit for a plain-text input

STATUS_LABELS = {
    PartnershipStatus.successful: "Successful",
    PartnershipStatus.struggling: "Struggling",
    PartnershipStatus.failed: "Failed",
    PartnershipStatus.potential_unexplored: "Potential: never explored",
    PartnershipStatus.potential_undeveloped: "Potential: explored, not developed",
    PartnershipStatus.ongoing: "Ongoing: too early to tell",
}
SECTOR_LABELS = {Sector.nonprofit: "Nonprofit", Sector.industry: "Industry", Sector.government: "Government"}
REGION_LABELS = {Region.asia_pacific: "Asia-Pacific", Region.eu_plus: "Europe (EU+)",
                 Region.north_america: "North America", Region.other: "Elsewhere"}

# Which input block shows an error about which `OutcomeIn` field.
FIELD_BLOCKS = {
    "name": OutcomeBlock.name, "sectors": OutcomeBlock.sectors, "region": OutcomeBlock.region,
    "status": OutcomeBlock.status, "factors": OutcomeBlock.factors, "lesson": OutcomeBlock.lesson,
    "anonymous": OutcomeBlock.anonymise,
}


@dataclass
class OutcomeDraft:
    """What the modal starts with: empty, or filled from an interview or an earlier attempt."""

    name: str = ""
    sectors: list[str] = field(default_factory=list)
    region: str | None = None
    status: str | None = None
    factors: list[str] = field(default_factory=list)
    lesson: str = ""
    anonymous: bool = False
    interview_id: int | None = None


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=label(text, MAX_OPTION_TEXT)))


def outcome_modal(kb: KnowledgeBase, draft: OutcomeDraft | None = None, *, note: str | None = None) -> dict[str, Any]:
    draft = draft or OutcomeDraft()
    sector_options = [_option(s.value, SECTOR_LABELS[s]) for s in Sector]
    region_options = [_option(r.value, REGION_LABELS[r]) for r in Region]
    status_options = [_option(s.value, STATUS_LABELS[s]) for s in PartnershipStatus]
    risks = sorted(kb.negatives, key=lambda f: f.name)
    strengths = sorted(kb.successes, key=lambda f: f.name)
    factor_options = {f.id: _option(f.id, f.name) for f in [*risks, *strengths]}
    groups = [
        OptionGroup(label=PlainTextObject(text="Risks"), options=[factor_options[f.id] for f in risks]),
        OptionGroup(label=PlainTextObject(text="Strengths"), options=[factor_options[f.id] for f in strengths]),
    ]
    anonymise_option = _option("anonymous", "Hide my name from everyone else")

    def picked(values: list[str], options: list[Option]) -> list[Option] | None:
        chosen = [o for o in options if o.value in values]
        return chosen or None

    def one(value: str | None, options: list[Option]) -> Option | None:
        return next((o for o in options if o.value == value), None)

    blocks = []
    if note:
        blocks.extend(sections(note))
    blocks += [
        InputBlock(block_id=OutcomeBlock.name.value, label="Partnership name", element=PlainTextInputElement(
            action_id=OutcomeInput.name.value, initial_value=draft.name or None, max_length=NAME_MAX,
            placeholder="e.g. Rural diabetes screening with a pharma partner")),
        InputBlock(block_id=OutcomeBlock.sectors.value, label="Sectors involved", element=StaticMultiSelectElement(
            action_id=OutcomeInput.sectors.value, options=sector_options,
            initial_options=picked(draft.sectors, sector_options), placeholder="Choose one or more")),
        InputBlock(block_id=OutcomeBlock.region.value, label="Region", element=StaticSelectElement(
            action_id=OutcomeInput.region.value, options=region_options,
            initial_option=one(draft.region, region_options), placeholder="Where it runs")),
        InputBlock(block_id=OutcomeBlock.status.value, label="How did it turn out?", element=StaticSelectElement(
            action_id=OutcomeInput.status.value, options=status_options,
            initial_option=one(draft.status, status_options), placeholder="Choose a status")),
        InputBlock(block_id=OutcomeBlock.factors.value, label="Factors that mattered", optional=True,
                   hint="Risks that bit, strengths that carried it.", element=StaticMultiSelectElement(
                       action_id=OutcomeInput.factors.value, option_groups=groups,
                       initial_options=picked(draft.factors, list(factor_options.values())),
                       placeholder="Choose any that apply")),
        InputBlock(block_id=OutcomeBlock.lesson.value, label="Lesson learned", optional=True,
                   element=PlainTextInputElement(
                       action_id=OutcomeInput.lesson.value, multiline=True, max_length=LESSON_MAX_IN_SLACK,
                       initial_value=draft.lesson or None,
                       placeholder="What would you tell a colleague starting a similar partnership?")),
        InputBlock(block_id=OutcomeBlock.anonymise.value, label="Anonymise", optional=True,
                   element=CheckboxesElement(action_id=OutcomeInput.anonymise.value, options=[anonymise_option],
                                             initial_options=[anonymise_option] if draft.anonymous else None)),
    ]
    view = View(
        type="modal", callback_id=ViewId.outcome_modal.value, title="Log an outcome", submit="Log outcome",
        close="Cancel", blocks=blocks, private_metadata=json.dumps({"interview_id": draft.interview_id}),
    ).to_dict()
    check_view_blocks(view["blocks"])
    return view


def read_submission(view: dict[str, Any]) -> dict[str, Any]:
    """The submitted values as `OutcomeIn` fields (missing inputs become empty values, for it to judge)."""
    values = (view.get("state") or {}).get("values") or {}

    def element(block: OutcomeBlock, action: OutcomeInput) -> dict[str, Any]:
        return (values.get(block.value) or {}).get(action.value) or {}

    def chosen(block: OutcomeBlock, action: OutcomeInput) -> list[str]:
        return [o["value"] for o in element(block, action).get("selected_options") or []]

    def single(block: OutcomeBlock, action: OutcomeInput) -> str:
        option = element(block, action).get("selected_option") or {}
        return str(option.get("value") or "")

    try:
        interview_id = json.loads(view.get("private_metadata") or "{}").get("interview_id")
    except ValueError:
        interview_id = None
    return {
        "name": str(element(OutcomeBlock.name, OutcomeInput.name).get("value") or "").strip(),
        "sectors": chosen(OutcomeBlock.sectors, OutcomeInput.sectors),
        "region": single(OutcomeBlock.region, OutcomeInput.region),
        "status": single(OutcomeBlock.status, OutcomeInput.status),
        "factors": chosen(OutcomeBlock.factors, OutcomeInput.factors),
        "lesson": str(element(OutcomeBlock.lesson, OutcomeInput.lesson).get("value") or "").strip(),
        "anonymous": bool(chosen(OutcomeBlock.anonymise, OutcomeInput.anonymise)),
        "interview_id": interview_id,
    }


def modal_errors(problems: list[tuple[str, str]]) -> dict[str, str]:
    """`response_action: errors` content: each problem under its input, the rest under the name."""
    errors: dict[str, str] = {}
    for name, message in problems:
        block = FIELD_BLOCKS.get(name, OutcomeBlock.name).value
        text = message if name in FIELD_BLOCKS else f"{name}: {message}"
        errors[block] = f"{errors[block]} {text}" if block in errors else text
    return {block: label(text, 300) for block, text in errors.items()}


def confirmation(record: OutcomeRecord, kb: KnowledgeBase) -> Message:
    names = [kb.factors[f].name if f in kb.factors else f for f in record.factors]
    risks = [n for f, n in zip(record.factors, names, strict=True)
             if f in kb.factors and kb.factors[f].kind is FactorKind.negative]
    strengths = [n for f, n in zip(record.factors, names, strict=True)
                 if f in kb.factors and kb.factors[f].kind is FactorKind.success]
    lines = [
        f":memo: *Outcome logged: {escape_mrkdwn(record.name)}* (#{record.id})",
        f"*Status:* {STATUS_LABELS[record.status]} · *Sectors:* "
        + ", ".join(SECTOR_LABELS[s] for s in record.sectors) + f" · *Region:* {REGION_LABELS[record.region]}",
    ]
    if risks:
        lines.append("*Risks that mattered:* " + escape_mrkdwn(", ".join(risks)))
    if strengths:
        lines.append("*Strengths that mattered:* " + escape_mrkdwn(", ".join(strengths)))
    blocks = sections("\n".join(lines))
    if record.lesson:
        blocks += sections("*Lesson:*\n" + escape_mrkdwn(record.lesson))
    blocks.append(context("Only you can see who logged this." if record.anonymous
                          else "Your team can see that you logged this."))
    return Message(text=escape_mrkdwn(f"Outcome logged: {record.name}"), blocks=blocks)
