"""The Troubled Families team's verification of a household member's continuous employment.

Date order: the person moves *off* benefit *into* work, so employment starts on or before the day
they came off benefit. JSA and ESA claims end the day before a job starts, so the two dates are
usually equal; Universal Credit can continue in work until earnings end the claim, so employment may
start well before. Benefit ending before the job started means a gap with neither: that is not a
move from benefit into work, so the form refuses it. The window (13 or 26 weeks off benefit) is
therefore counted from ``off_benefit_on``, the first day the person was both off benefit and in work.
"""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from forms.base import Errors, FormSchema
from forms.choices import BENEFITS
from forms.fields import choice, day, person, textarea, yes_no
from forms.rules import check_after, check_indicator, check_person

WORKLESSNESS_INDICATOR = 16  # adult on out-of-work benefits: the continuous-employment outcome


class ContinuousEmployment(FormSchema):
    form_title = "Verify continuous employment"

    person_id = person("Person in work")
    benefit = choice("Benefit", BENEFITS, required="Select the benefit the person came off")
    employment_started_on = day("Employment start date", required="Enter the date the employment started",
                                past=True)
    off_benefit_on = day("Date off benefit", required="Enter the date the person came off benefit",
                         hint="The first day they no longer received the benefit", past=True)
    verified = yes_no("Verified", required="Select yes if the continuous employment is verified")
    evidence = textarea("Evidence", required="Enter the evidence checked",
                        hint="For example, the DWP data match or payslips")

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        found = check_person(data.get("person_id"), ("person_id",), errors)
        started = data.get("employment_started_on")
        if found is not None and started is not None:
            check_indicator(WORKLESSNESS_INDICATOR, found, started, ("person_id",), errors)
        check_after(data, "off_benefit_on", "employment_started_on",
                    "Employment start date must be on or before the date the person came off benefit",
                    errors, same_day=True, path=("employment_started_on",))
        errors.raise_any()
