"""Early Help Case Management: allocation, whole-family assessment and reviews."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.choices import BENEFITS
from forms.context import current
from forms.fields import choices_list, confirm, day, rows, text, textarea, yes_no
from forms.plans import later_review_reason
from forms.rows import IndicatorRow, ProgressRow
from forms.rules import check_after, check_review_date, check_rows

CASE_MANAGERS = "case_managers"  # choices_from: usernames of the case managers the allocator may pick
TEAMS = "teams"  # choices_from: team ids


class Allocation(FormSchema):
    form_title = "Allocate a case manager"

    case_manager = text("Case manager", required="Select the case manager", widget="select",
                        max_length=150, choices_from=CASE_MANAGERS)
    team = text("Team", required="Select the team", widget="select", max_length=100, choices_from=TEAMS)
    notes = textarea("Notes")

    @validates_schema(skip_on_field_errors=True)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Only the allocating team's own case managers: the family's case management belongs to it."""
        ctx = current()
        allocating = ctx.data.get("team")
        errors = Errors()
        if isinstance(allocating, str) and allocating and data["team"] != allocating:
            errors.add(("team",), f"Select the team the family's case management belongs to ({allocating})")
        elif ctx.team_case_manager is not None and not ctx.team_case_manager(data["team"], data["case_manager"]):
            errors.add(("case_manager",), f"Select a case manager of the team {data['team']}: "
                                          f"{data['case_manager']} is not one")
        errors.raise_any()


class Assessment(FormSchema):
    form_title = "Whole-family assessment"

    assessed_on = day("Date of the assessment", required="Enter the date of the assessment", past=True)
    all_members_included = confirm(
        "Household members", "Every member of the household was included in the assessment",
        required="Confirm every member of the household was included in the assessment",
    )
    summary = textarea("Assessment summary", required="Enter how the family meets the criteria",
                       hint="Include how each Troubled Families criterion is met")
    indicators = rows(IndicatorRow, "Troubled Families indicators",
                      hint="Confirm the indicators from triage and add any the assessment found")
    school_attendance = textarea("School attendance", hint="Attendance for each child of school age")
    benefits = choices_list("Benefits received", BENEFITS, hint="Select all that apply")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        check_rows(data.get("indicators"), "indicators", errors, indicators=True, unique=True)
        errors.raise_any()


class Review(FormSchema):
    form_title = "Review the Family Action Plan"

    reviewed_on = day("Date of this review", required="Enter the date of the review", past=True)
    progress = rows(ProgressRow, "Progress against targets",
                    required="Add progress for at least one target")
    next_steps = textarea("Next steps", required="Enter the next steps")
    ready_to_close = yes_no("Ready to close", required="Select yes if the family is ready to close")
    review_date = day("Next review date", hint="Not needed if the family is ready to close")
    review_date_reason = later_review_reason()

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("ready_to_close") is False and "review_date" not in data:
            errors.add(("review_date",), "Enter the date of the next review")
        check_after(data, "review_date", "reviewed_on",
                    "Next review date must be after the date of this review", errors)
        if data.get("ready_to_close") is not True:  # a family ready to close has no next review
            check_review_date(data, "Next review date", errors)
        check_rows(data.get("progress"), "progress", errors, indicators=False)
        errors.raise_any()
