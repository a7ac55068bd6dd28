"""The case beside a task's form: family summary, household, indicators by headline issue, the plan.

Read from the task's own workflow data (what the task sees), so it shows exactly what the person
doing the task is entitled to see, and nothing about other families. A task whose data does not carry
the household (the TF team's data check and audits run in their own processes) shows the family as the
case page reads it (``workflows.read.case_view.family_summary``), for someone who may read that family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.choices import DISTRICTS, INDICATORS, ROLES
from workflows.read.case_view import CaseView, indicators_by_headline

FOP = "fop-2017"  # the indicators the forms offer (forms.choices.INDICATORS) are the FOP's

_DISTRICT = dict(DISTRICTS)
_ROLE = dict(ROLES)
_INDICATOR = {str(number): label for number, label in INDICATORS}


@dataclass
class CaseContext:
    family_ref: str | None = None
    district: str | None = None
    household: list[dict[str, str]] = field(default_factory=list)
    issues: list[tuple[str, list[str]]] = field(default_factory=list)
    plan: list[dict[str, str]] = field(default_factory=list)
    # What the referral says, as (question, answer) rows, and the known families it may be.
    referral: list[tuple[str, str]] = field(default_factory=list)
    possible_matches: list[str] = field(default_factory=list)
    # The closure summary the manager decides on, each outcome beside its plan target; the reasons of
    # the latest return.
    closure: list[tuple[str, str]] = field(default_factory=list)
    outcomes: list[dict[str, str]] = field(default_factory=list)
    returned_reasons: str = ""
    # The family's outcomes and their windows, when the family was read from its records.
    family_outcomes: list[dict[str, Any]] = field(default_factory=list)
    # A claim window's batch review: every family in the batch and the window, instead of one family.
    batch_families: list[str] = field(default_factory=list)
    window_id: int | None = None


def district_label(value: Any) -> str:
    return _DISTRICT.get(str(value), str(value)) if value else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def build(data: Mapping[str, Any], fields: Mapping[str, Any]) -> CaseContext:
    referral = _mapping(data.get("referral"))
    names: dict[str, str] = {}
    context = CaseContext(family_ref=fields.get("family_ref") or data.get("family_ref"),
                          district=district_label(fields.get("district") or referral.get("district")))
    for person in _rows(referral.get("household")):
        name = " ".join(str(person.get(k, "")) for k in ("given_name", "family_name")).strip()
        names[str(person.get("person_id"))] = name
        context.household.append({"name": name, "date_of_birth": str(person.get("date_of_birth", "")),
                                  "role": _ROLE.get(str(person.get("role")), ""),
                                  "relationship": str(person.get("relationship", ""))})
    rows = [row for form_key in ("triage", "assessment")
            for row in _rows(_mapping(data.get(form_key)).get("indicators"))]
    context.issues = indicators_by_headline(rows, names, FOP)
    context.referral = referral_rows(referral)
    _closure(context, data, names)
    context.possible_matches = [str(ref) for ref in data.get("possible_matches") or [] if ref]
    for row in _rows(_mapping(data.get("action_plan") or data.get("pft_plan")).get("targets")):
        context.plan.append({"target": str(row.get("target", "")), "by_date": str(row.get("by_date", "")),
                             "person": names.get(str(row.get("person_id")), "")})
    return context


def add_stored_family(context: CaseContext, summary: CaseView) -> None:
    """Fill what the task's data lacks from the family's records, read as the case page reads them."""
    if not context.household:
        context.household = [{k: str(v or "") for k, v in person.items()} for person in summary.household]
    if not context.issues:
        context.issues = summary.issues
    if not context.district:
        context.district = district_label(summary.family.district)
    context.family_outcomes = summary.outcomes


def add_batch(context: CaseContext, data: Mapping[str, Any]) -> None:
    """A batch review names every family of its batch and its window; no one family is "the family"."""
    context.batch_families = [str(ref) for ref in _mapping(data.get("batch")).get("families") or [] if ref]
    window_id = data.get("window_id")
    context.window_id = window_id if isinstance(window_id, int) else None
    context.family_ref = None


def _closure(context: CaseContext, data: Mapping[str, Any], names: dict[str, str]) -> None:
    summary = _mapping(data.get("closure_summary"))
    if summary:
        context.closure = [("Date the case closed", str(summary.get("closed_on", ""))),
                           ("Closure summary", str(summary.get("summary", ""))),
                           ("Supporting evidence", str(summary.get("evidence", "")))]
    targets = {(str(t.get("person_id")), str(t.get("indicator"))): str(t.get("target", ""))
               for t in _rows(_mapping(data.get("action_plan") or data.get("pft_plan")).get("targets"))}
    for row in _rows(summary.get("outcomes")):
        key = (str(row.get("person_id")), str(row.get("indicator")))
        context.outcomes.append({
            "person": names.get(key[0], key[0]), "indicator": _INDICATOR.get(key[1], key[1]),
            "target": targets.get(key, "No target in the plan"),
            "achieved": "Achieved" if row.get("achieved") is True else "Not achieved",
            "evidence": str(row.get("evidence", ""))})
    approval = _mapping(data.get("closure_approval"))
    if approval.get("decision") == "return":
        context.returned_reasons = str(approval.get("reasons", ""))


def _joined(*parts: Any) -> str:
    return ", ".join(str(p) for p in parts if p)


def referral_rows(referral: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The referral as the referrer gave it: their reasons in their own words, who they are and how to
    reach them, the family's address and consent."""
    if not referral:
        return []
    referrer = _mapping(referral.get("referrer"))
    address = _mapping(referral.get("address"))
    consent = referral.get("consent")
    return [
        ("Reasons for the referral", str(referral.get("reasons") or "Not given")),
        ("Referrer", _joined(referrer.get("name"), referrer.get("role"), referrer.get("organisation")) or "Not given"),
        ("Referrer's contact", _joined(referrer.get("email"), referrer.get("phone")) or "Not given"),
        ("Address", _joined(address.get("line_1"), address.get("line_2"), address.get("town"),
                            address.get("postcode")) or "Not given"),
        ("Consent", "The family has consented" if consent is True else "Not recorded"),
        ("Received", str(referral.get("received_on") or "")),
    ]


def household_choices(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``household`` choices of a form: the referral's people, by person_id."""
    people = _rows(_mapping(data.get("referral")).get("household"))
    return [(str(p.get("person_id")), " ".join(str(p.get(k, "")) for k in ("given_name", "family_name")).strip())
            for p in people if p.get("person_id")]
