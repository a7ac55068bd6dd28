"""The online referral form (the referrer group's start form)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, validates_schema

from forms.base import FormSchema, given
from forms.choices import DISTRICTS, GENDERS, ROLES
from forms.fields import choice, confirm, day, email, group, rows, text, textarea

# A full UK postcode (outward and inward code), after normalising to upper case with one space.
POSTCODE = re.compile(r"(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})")
# A UK number (0 + 9 or 10 digits) or +44 / 0044 then 9 or 10 digits, ignoring spaces, dashes, brackets.
PHONE = re.compile(r"(0|\+44|0044)[0-9]{9,10}")
PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


def uk_phone(value: str) -> str:
    if not PHONE.fullmatch(re.sub(r"[\s()\-]", "", value)):
        raise ValidationError(PHONE_MESSAGE)
    return value


def uk_postcode(value: str) -> str:
    if not POSTCODE.fullmatch(value):
        raise ValidationError("Enter a full UK postcode")
    return value


class Referrer(FormSchema):
    name = text("Full name", required="Enter the referrer's name", autocomplete="name")
    organisation = text("Organisation", hint="Leave blank if you are a member of the public",
                        autocomplete="organization")
    role = text("Role", hint="For example, school nurse or family support worker",
                autocomplete="organization-title")
    email = email("Email address", autocomplete="email")
    phone = text("Telephone number", hint="Give an email address, a telephone number or both",
                 validators=[uk_phone], autocomplete="tel")

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _contact(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        if not given(original_data, "email") and not given(original_data, "phone"):
            raise ValidationError({"email": ["Enter an email address or a telephone number"]})


# A person's names and relationship are stored in columns of this size (workflows.models.Person).
PERSON_TEXT_MAX_LENGTH = 100


class HouseholdMember(FormSchema):
    given_name = text("First name", required="Enter the first name", max_length=PERSON_TEXT_MAX_LENGTH)
    family_name = text("Last name", required="Enter the last name", max_length=PERSON_TEXT_MAX_LENGTH)
    date_of_birth = day("Date of birth", required="Enter the date of birth", past=True,
                        hint="For example, 27 3 2007")
    relationship = text("Relationship", required="Enter the relationship", max_length=PERSON_TEXT_MAX_LENGTH,
                        hint="To the main carer, for example mother, son or grandparent")
    role = choice("Adult or child", ROLES, required="Select whether the person is an adult or a child")
    gender = choice("Gender", GENDERS, widget="select", invalid="Select the gender from the list")


class Address(FormSchema):
    line_1 = text("Address line 1", required="Enter address line 1, typically the building and street")
    line_2 = text("Address line 2")
    town = text("Town or city", required="Enter town or city")
    postcode = text("Postcode", required="Enter postcode", validators=[uk_postcode])

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        value = data.get("postcode")
        if isinstance(value, str):
            compact = re.sub(r"\s+", "", value).upper()
            data["postcode"] = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
        return data


class Referral(FormSchema):
    form_title = "Refer a family to Early Help"

    referrer = group(Referrer, "About you", required="Enter the referrer's details")
    household = rows(HouseholdMember, "Household members", required="Add at least one household member",
                     hint="Everyone who lives in the household, adults and children")
    address = group(Address, "The family's address", required="Enter the family's address")
    district = choice("District", DISTRICTS, required="Select the district", widget="select")
    reasons = textarea("Reasons for the referral", required="Enter the reasons for the referral",
                       hint="What is happening for the family and what help they need")
    consent = confirm("Consent", "The family has consented to this referral",
                      required="Confirm the family has consented to this referral")
