"""Add-another rows several forms share. Their household rules run in the parent form, which knows
each row's index for the error path."""

from __future__ import annotations

from forms.base import FormSchema
from forms.choices import PROGRESS
from forms.fields import choice, day, indicator, person, textarea, yes_no


class IndicatorRow(FormSchema):
    """An eligibility indicator identified for one household member."""

    person_id = person()
    indicator = indicator()
    evidence = textarea("Evidence", required="Enter the evidence for this indicator",
                        hint="What the referrer or the assessment shows")


class TargetRow(FormSchema):
    """A SMART target in a plan, linked to the Family Outcomes Plan indicator it addresses."""

    indicator = indicator()
    person_id = person()
    target = textarea("Target", required="Enter the target",
                      hint="Specific and measurable, agreed with the family")
    by_date = day("Target date", required="Enter the target date")


class ProgressRow(FormSchema):
    """Progress against one target at a review."""

    person_id = person()
    indicator = indicator()
    status = choice("Progress", PROGRESS, required="Select the progress made")
    evidence = textarea("Evidence", required="Enter the evidence of progress")


class OutcomeRow(FormSchema):
    """Whether the outcome for one indicator was achieved, with its evidence."""

    person_id = person()
    indicator = indicator()
    achieved = yes_no("Outcome achieved", required="Select yes if the outcome was achieved")
    evidence = textarea("Evidence", required="Enter the evidence for this outcome")
