"""Plans with SMART targets: the case manager's Family Action Plan and the Parenting and Family
Team's plan of intervention. Both share the target rows and their rules."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validates_schema

from forms.base import Errors, FormSchema
from forms.fields import day, rows, textarea
from forms.rows import TargetRow
from forms.rules import check_after, check_review_date, check_rows, check_targets_cover_indicators


def _agreed_on() -> fields.Date:
    return day("Date agreed with the family", required="Enter the date the plan was agreed", past=True)


def _targets() -> fields.Nested:
    return rows(TargetRow, "Targets", required="Add at least one target",
                hint="A target for every indicator the family meets, linked to the Family Outcomes Plan")


def _review_date() -> fields.Date:
    return day("Review date", required="Enter the review date",
               hint="Reviews are at least every 3 or 4 months, depending on the team")


def later_review_reason() -> fields.String:
    """Shared with the review form: a later review than the team's cadence is kept only with a reason."""
    return textarea("Reason for a later review",
                    hint="Needed when the review is further away than the team's review cadence "
                         "(every 3 or 4 months)")


def check_plan(data: dict[str, Any]) -> None:
    """Targets name household members and applicable indicators and cover every identified indicator;
    dates follow the agreement; the review is within the team's cadence or says why not."""
    errors = Errors()
    check_rows(data.get("targets"), "targets", errors, indicators=True)
    check_targets_cover_indicators(data.get("targets"), errors)
    for index, target in enumerate(data.get("targets") or []):
        if isinstance(target, dict):
            check_after({**target, "agreed_on": data.get("agreed_on")}, "by_date", "agreed_on",
                        "Target date must be on or after the date the plan was agreed", errors,
                        same_day=True, path=("targets", index, "by_date"))
    check_after(data, "review_date", "agreed_on",
                "Review date must be after the date the plan was agreed", errors)
    check_review_date(data, "Review date", errors)
    errors.raise_any()


class ActionPlan(FormSchema):
    form_title = "Family Action Plan"

    agreed_on = _agreed_on()
    targets = _targets()
    review_date = _review_date()
    review_date_reason = later_review_reason()
    notes = textarea("Notes")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_plan(data)


class PftPlan(FormSchema):
    form_title = "Parenting and Family Team plan of intervention"

    intervention = textarea("Plan of intervention", required="Enter the plan of intervention",
                            hint="The parenting support the team will give and how often")
    agreed_on = _agreed_on()
    targets = _targets()
    review_date = _review_date()
    review_date_reason = later_review_reason()

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_plan(data)
