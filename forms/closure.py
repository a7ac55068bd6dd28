"""Closure: the lead professional's closure summary and the manager's approval of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.choices import CLOSURE_DECISIONS
from forms.context import FormContext, current, find_person
from forms.fields import checkbox, choice, day, rows, textarea
from forms.rows import OutcomeRow
from forms.rules import check_outcomes_match_plan, check_rows


class ClosureSummary(FormSchema):
    form_title = "Closure summary"

    closed_on = day("Date the case closed", required="Enter the date the case closed", past=True)
    summary = textarea("Closure summary", required="Enter the closure summary",
                       hint="The progress the family made against each of their issues")
    outcomes = rows(OutcomeRow, "Outcomes", required="Add the outcome for at least one indicator",
                    hint="One row for each indicator in the plan")
    evidence = textarea("Supporting evidence", required="Enter the supporting evidence",
                        hint="What evidence there is and where it is recorded on the case record")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        check_rows(data.get("outcomes"), "outcomes", errors, indicators=False, unique=True)
        named = check_identified_outcomes(data.get("outcomes"), errors)
        check_outcomes_match_plan(data.get("outcomes"), errors, already_named=named)
        errors.raise_any()


# (task data key, its rows, who identified them): the whole-family assessment's indicators (confirmed or
# found), and those the Parenting and Family Team's plan added (``pft_identified``, the result of the
# ``record_indicators`` step after the plan: its targets' indicators the family did not have before).
_IDENTIFIED_IN_WORK = (("assessment", "indicators", "the assessment"),
                       ("pft_identified", "found", "the plan of intervention"))


def identified_in_work(ctx: FormContext) -> list[tuple[str, int, str]]:
    """``(person_id, indicator, where)`` the work itself identified. They joined the family's identified
    indicators (and may have made it a Troubled Family), so each is an outcome to achieve."""
    found: list[tuple[str, int, str]] = []
    for key, field, where in _IDENTIFIED_IN_WORK:
        answers = ctx.data.get(key)
        rows = answers.get(field) if isinstance(answers, Mapping) else None
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, Mapping) and isinstance(row.get("indicator"), int):
                found.append((str(row.get("person_id")), row["indicator"], where))
    return found


def check_identified_outcomes(outcomes: Any, errors: Errors) -> set[tuple[str, int]]:
    """An outcome row for each indicator the work identified, on the outcomes field, naming the person;
    the pairs it named (the plan's rule then names them no second time)."""
    ctx = current()
    given = {(str(row.get("person_id")), row.get("indicator")) for row in outcomes or []
             if isinstance(row, Mapping)} if isinstance(outcomes, list) else set()
    seen: set[tuple[str, int]] = set()
    for person_id, number, where in identified_in_work(ctx):
        if (person_id, number) in given or (person_id, number) in seen:
            continue
        seen.add((person_id, number))
        person = find_person(ctx, person_id)
        name = f"{person.get('given_name', '')} {person.get('family_name', '')}".strip() if person else person_id
        errors.add(("outcomes",), f"Add the outcome for indicator {number} for {name}: {where} identified it")
    return seen


class ClosureApproval(FormSchema):
    form_title = "Approve the closure summary"

    decision = choice("Decision", CLOSURE_DECISIONS,
                      required="Select whether to approve or return the closure summary")
    evidence_checked = checkbox("Evidence", "All relevant evidence is available on the case record",
                                hint="Needed to approve")
    reasons = textarea("Reasons", hint="Needed when you return the closure summary")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("decision") == "return" and not data.get("reasons"):
            errors.add(("reasons",), "Enter the reasons for returning the closure summary")
        if data.get("decision") == "approve" and data.get("evidence_checked") is False:
            errors.add(("evidence_checked",), "Confirm all relevant evidence is available before you approve")
        errors.raise_any()
