"""Early Help Unit triage: match to a known family, identify indicators, decide the route."""

from __future__ import annotations

from typing import Any

from marshmallow import validate, validates_schema

from forms.base import Errors, FormSchema
from forms.choices import ROUTES, SIGNPOSTING_ROUTES
from forms.context import current
from forms.fields import choice, rows, text, textarea
from forms.rows import IndicatorRow
from forms.rules import check_rows

NEW_FAMILY = "new"
FAMILY_REF = r"F-\d{4}-\d{6}"


class Triage(FormSchema):
    form_title = "Triage the referral"

    match = text(
        "Family", required="Enter new or the family reference of the known family",
        hint="Enter new for a family not known to the service, or the reference of the matching family, "
             "like F-2027-000123",
        validators=[validate.Regexp(
            rf"^(?:{NEW_FAMILY}|{FAMILY_REF})$",
            error="Enter new, or a family reference in the format F-2027-000123",
        )],
    )
    indicators = rows(IndicatorRow, "Troubled Families indicators",
                      hint="Each indicator the referral shows, for the household member it applies to")
    route = choice("Next step", ROUTES, required="Select the route")
    signposted_to = text("Service signposted to", hint="Only when the family is signposted")
    notes = textarea("Notes")

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        match = data.get("match")
        if isinstance(match, str):
            data["match"] = NEW_FAMILY if match.lower() == NEW_FAMILY else match.upper()
        return data

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = Errors()
        if data.get("route") in SIGNPOSTING_ROUTES and not data.get("signposted_to"):
            errors.add(("signposted_to",), "Enter the service the family is signposted to")
        check_rows(data.get("indicators"), "indicators", errors, indicators=True, unique=True)
        self._check_match(data.get("match"), errors)
        errors.raise_any()

    @staticmethod
    def _check_match(match: Any, errors: Errors) -> None:
        """A reference must name a known family other than this referral's own provisional one: said on
        the field, with the answers kept, rather than found later by the step that applies the match."""
        ctx = current()
        if not isinstance(match, str) or match == NEW_FAMILY or ctx.known_family is None:
            return
        if match == ctx.data.get("family_ref") or not ctx.known_family(match):
            errors.add(("match",), f"No known family has the reference {match}: enter new, or the reference "
                                   "of the matching family")
