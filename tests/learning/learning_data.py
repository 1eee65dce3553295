"""Seeded outcome logs with known neighbours, and advice reports built for chosen factors and words.

Three clusters of partnerships a team might log (government data work held up by approvals, industry
money with strings attached, community work resting on one person), one partnership known only by its
words, one carrying a factor nobody else logged, and unrelated logs around them. Each query names
the outcome that must come first and the ones that must fill the rest of the top three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.advice.models import AdviceReport, Decision, DecisionStatus, Evidence, RiskItem, StrengthItem
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.outcomes.repository import NewOutcome

TEAM = "T-learn"


def outcome(
    name: str, sectors: list[str], factors: list[str], status: str, lesson: str = "", **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "sectors": sectors,
        "region": "eu-plus",
        "status": status,
        "factors": factors,
        "lesson": lesson,
        **extra,
    }


SEEDED: list[dict[str, Any]] = [
    # government data work held up by approvals
    outcome(
        "Regional vaccine data hub",
        ["government"],
        ["bureaucracy", "data-and-ip-barriers"],
        "struggling",
        "The data sharing agreement with the regional health authority took fourteen months. Start the "
        "information governance approvals for vaccine data before the grant clock starts.",
        partners=["Regional Health Authority"],
    ),
    outcome(
        "Immunisation registry link-up",
        ["government", "nonprofit"],
        ["bureaucracy", "data-and-ip-barriers", "poor-communication"],
        "failed",
        "The ministry's legal team rewrote the data agreement three times; agree a template first.",
    ),
    outcome(
        "Hospital discharge data pilot",
        ["government"],
        ["bureaucracy", "clear-roles-and-agreements"],
        "successful",
        "A named approver at the ministry made the difference; procurement ran in parallel.",
    ),
    # industry money with strings attached
    outcome(
        "Pharma-funded diabetes screening",
        ["industry", "nonprofit"],
        ["conflict-of-interest", "power-imbalance"],
        "struggling",
        "The sponsor wanted exclusive rights to the screening data; settle publication and "
        "data terms before launch.",
        partners=["Glaxon Pharma"],
    ),
    outcome(
        "Device maker in rural clinics",
        ["industry"],
        ["conflict-of-interest", "unequal-benefits"],
        "failed",
        "The device maker used our clinics as a showroom; the patients gained little.",
    ),
    outcome(
        "Nutrition brand school programme",
        ["industry", "nonprofit"],
        ["conflict-of-interest", "mutual-benefit"],
        "successful",
        "An independent board approved every message, so the brand stayed in the background.",
    ),
    # community work resting on one person
    outcome(
        "Community health worker network",
        ["nonprofit"],
        ["champion-turnover", "limited-capacity"],
        "struggling",
        "Our coordinator left after six months and nobody else knew the partners; name a "
        "deputy from the start.",
    ),
    outcome(
        "Food bank referral scheme",
        ["nonprofit"],
        ["champion-turnover", "committed-champions"],
        "successful",
        "Two champions on each side kept it going through a change of director.",
    ),
    outcome(
        "Volunteer drivers for dialysis",
        ["nonprofit"],
        ["limited-capacity", "insufficient-funding"],
        "failed",
        "Volunteers burned out within a year; budget for paid coordination.",
    ),
    # known only by its words
    outcome(
        "Acme cold chain sensors",
        ["industry"],
        [],
        "ongoing",
        "Acme Cold Chain put temperature sensors in forty vaccine fridges; alerts reach the nurse on duty.",
    ),
    # the one log of a rare factor
    outcome(
        "Patient panel for the stroke pathway",
        ["government"],
        ["excluded-stakeholders", "insufficient-funding"],
        "struggling",
        "Patients were asked after the pathway was designed; ask them first.",
    ),
    # unrelated logs around them
    outcome(
        "Cross-border telehealth",
        ["government", "industry"],
        ["coordination-overhead", "culture-clash"],
        "struggling",
        "Three time zones and two languages; weekly calls were not enough.",
    ),
    outcome(
        "University evaluation partnership",
        ["government", "nonprofit"],
        ["evaluation-and-learning"],
        "successful",
        "Shared indicators agreed in month one.",
    ),
    outcome(
        "Election-year smoking campaign",
        ["government"],
        ["policy-and-political-instability"],
        "failed",
        "The new minister cancelled it.",
    ),
    outcome(
        "Mental health app pilot",
        ["industry", "nonprofit"],
        ["start-small", "flexibility-and-adaptability"],
        "successful",
        "Two wards first, then the region.",
    ),
    outcome(
        "Homeless outreach consortium",
        ["nonprofit"],
        ["competition-between-partners", "insufficient-funding"],
        "struggling",
        "Five charities bid against each other for the same contract.",
    ),
    outcome(
        "Air quality sensors with the city",
        ["government", "industry"],
        ["favorable-climate"],
        "ongoing",
        "Council backing and press interest carried it.",
    ),
    outcome(
        "Maternity transport vouchers",
        ["nonprofit", "government"],
        ["insufficient-funding", "no-sustainability-plan"],
        "failed",
        "The grant ended and nothing replaced it.",
    ),
    outcome(
        "Pharmacy flu clinics",
        ["industry"],
        ["adequate-resources", "open-communication"],
        "successful",
        "Monthly calls and a shared dashboard.",
    ),
    outcome(
        "Never-started dementia café",
        ["nonprofit"],
        ["unknown-partners", "risk-aversion"],
        "potential-unexplored",
        "We never found the right contact at the care homes.",
    ),
    outcome(
        "Sports club obesity programme",
        ["nonprofit", "industry"],
        ["insufficient-funding", "unrealistic-expectations"],
        "struggling",
        "Promised a drop in obesity within a year with one coach.",
    ),
]


@dataclass(frozen=True)
class Case:
    """A partnership to advise on, and the seeded outcomes that must come back for it."""

    name: str
    sectors: list[str]
    risks: list[str]
    description: str
    first: str
    also: set[str] = field(default_factory=set)  # the rest of the top three
    strengths: list[str] = field(default_factory=list)


CASES = [
    Case(
        "government data",
        ["government"],
        ["bureaucracy", "data-and-ip-barriers"],
        "A regional vaccine data hub with the health ministry; the data sharing agreement is stuck with "
        "their legal team.",
        first="Regional vaccine data hub",
        also={"Immunisation registry link-up", "Hospital discharge data pilot"},
    ),
    Case(
        "pharma strings",
        ["industry", "nonprofit"],
        ["conflict-of-interest", "power-imbalance"],
        "A pharma company wants to fund our diabetes screening but asks for exclusive rights to the data.",
        first="Pharma-funded diabetes screening",
        also={"Nutrition brand school programme", "Device maker in rural clinics"},
    ),
    Case(
        "one coordinator",
        ["nonprofit"],
        ["champion-turnover", "limited-capacity"],
        "Our community health worker network depends on one coordinator who may leave.",
        first="Community health worker network",
        also={"Food bank referral scheme", "Volunteer drivers for dialysis"},
    ),
    Case(
        "words only",
        ["industry"],
        [],
        "Temperature sensors in vaccine fridges from Acme Cold Chain.",
        first="Acme cold chain sensors",
    ),
    Case(
        "rare factor",
        ["nonprofit"],
        ["insufficient-funding", "excluded-stakeholders"],
        "Nobody has asked the patients, and the money is short.",
        first="Patient panel for the stroke pathway",
    ),
]


def seed(
    service: OutcomeService,
    items: list[dict[str, Any]] | None = None,
    *,
    user: str = "U0SEED001",
    logged_at: datetime | None = None,
) -> dict[str, int]:
    """Log the outcomes (in one transaction, like an import); returns name -> id."""
    when = logged_at or datetime(2025, 3, 1, tzinfo=UTC)
    items = SEEDED if items is None else items
    new = [NewOutcome(service.validate(item), user, when, when) for item in items]
    return {record.name: record.id for record in service.repo.insert(new, actor=user)}


def report_for(
    kb: KnowledgeBase,
    *,
    sectors: list[str],
    risks: list[str],
    strengths: list[str] | None = None,
    description: str = "",
) -> AdviceReport:
    """An advice report that flagged these factors, as `build_report` would lay it out."""
    said = (
        [
            Evidence(
                question_id="purpose",
                question="Describe the partnership",
                answer=description,
                source="free text",
            )
        ]
        if description
        else []
    )
    return AdviceReport(
        description=description or None,
        sectors=sectors,
        risks=[
            RiskItem(
                id=f,
                name=kb.factors[f].name,
                summary=kb.factors[f].summary,
                score=0.8,
                level="serious",
                evidence=said,
                what_to_do=list(kb.factors[f].what_to_do[:2]),
                sources=list(kb.factors[f].sources),
            )
            for f in risks
        ],
        strengths=[
            StrengthItem(
                id=f,
                name=kb.factors[f].name,
                summary=kb.factors[f].summary,
                score=0.7,
                evidence=[],
                how_to_use=list(kb.factors[f].what_to_do[:2]),
            )
            for f in strengths or []
        ],
        decision=Decision(
            status=DecisionStatus.go_ahead_with_adjustments,
            label="Go ahead with adjustments",
            reason="Workable.",
            confidence="medium",
            confidence_reason="some questions open",
        ),
    )
