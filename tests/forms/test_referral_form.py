from __future__ import annotations

from typing import Any

import pytest

REQUIRED = [
    (("referrer",), "Enter the referrer's details"),
    (("referrer", "name"), "Enter the referrer's name"),
    (("household",), "Add at least one household member"),
    (("household", 0, "given_name"), "Enter the first name"),
    (("household", 0, "family_name"), "Enter the last name"),
    (("household", 0, "date_of_birth"), "Enter the date of birth"),
    (("household", 0, "relationship"), "Enter the relationship"),
    (("household", 0, "role"), "Select whether the person is an adult or a child"),
    (("address",), "Enter the family's address"),
    (("address", "line_1"), "Enter address line 1, typically the building and street"),
    (("address", "town"), "Enter town or city"),
    (("address", "postcode"), "Enter postcode"),
    (("district",), "Select the district"),
    (("reasons",), "Enter the reasons for the referral"),
    (("consent",), "Confirm the family has consented to this referral"),
]


def test_a_complete_referral_is_stored_as_given(kit: Any) -> None:
    assert kit.validate("referral") == kit.valid("referral")


@pytest.mark.parametrize(("path", "message"), REQUIRED)
def test_each_required_answer_has_its_own_message(kit: Any, path: tuple, message: str) -> None:
    assert kit.errors_without("referral", path) == kit.at(path, message)


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_answer_counts_as_missing(kit: Any, blank: Any) -> None:
    assert kit.errors_with("referral", ("referrer", "name"), blank) == kit.at(
        ("referrer", "name"), "Enter the referrer's name")


@pytest.mark.parametrize("name", ["organisation", "role"])
def test_optional_referrer_details_may_be_left_out(kit: Any, name: str) -> None:
    data = kit.valid("referral")
    data["referrer"][name] = ""
    assert name not in kit.validate("referral", data)["referrer"]


def test_the_referrer_gives_an_email_address_or_a_telephone_number(kit: Any) -> None:
    data = kit.valid("referral")
    data["referrer"].update(email="", phone=" ")
    assert kit.errors("referral", data) == {
        "referrer": {"email": ["Enter an email address or a telephone number"]}}


@pytest.mark.parametrize("contact", ["email", "phone"])
def test_either_contact_detail_is_enough(kit: Any, contact: str) -> None:
    data = kit.valid("referral")
    del data["referrer"][contact]
    kit.validate("referral", data)


def test_a_wrong_email_address_gets_the_format_message_only(kit: Any) -> None:
    data = kit.valid("referral")
    data["referrer"].update(email="pat.jones", phone="")
    assert kit.errors("referral", data) == {"referrer": {"email": [
        "Enter an email address in the correct format, like name@example.com"]}}


@pytest.mark.parametrize("phone", ["01632 960 001", "07700 900982", "+44 808 157 0192", "(0115) 977 3000"])
def test_uk_telephone_numbers_are_accepted(kit: Any, phone: str) -> None:
    data = kit.valid("referral")
    data["referrer"]["phone"] = phone
    assert kit.validate("referral", data)["referrer"]["phone"] == phone


@pytest.mark.parametrize("phone", ["12345", "call me", "0163296000112"])
def test_other_telephone_numbers_are_refused(kit: Any, phone: str) -> None:
    message = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
    assert kit.errors_with("referral", ("referrer", "phone"), phone) == kit.at(("referrer", "phone"), message)


def test_a_date_of_birth_in_the_future_is_refused(kit: Any) -> None:
    path = ("household", 1, "date_of_birth")
    assert kit.errors_with("referral", path, "2027-03-02") == kit.at(
        path, "Date of birth must be today or in the past")


def test_a_date_of_birth_today_is_accepted(kit: Any) -> None:
    data = kit.valid("referral")
    data["household"][1]["date_of_birth"] = "2027-03-01"
    kit.validate("referral", data)


@pytest.mark.parametrize("value", ["2027-02-30", "1 March 2027", "2027-03-01T10:00:00", "20270301", 20270301])
def test_a_date_of_birth_that_is_not_a_real_date_is_refused(kit: Any, value: Any) -> None:
    path = ("household", 0, "date_of_birth")
    assert kit.errors_with("referral", path, value) == kit.at(path, "Date of birth must be a real date")


@pytest.mark.parametrize(("name", "label"), [("given_name", "First name"), ("family_name", "Last name"),
                                             ("relationship", "Relationship")])
def test_a_persons_text_fits_the_column_that_stores_it(kit: Any, name: str, label: str) -> None:
    path = ("household", 0, name)
    assert kit.errors_with("referral", path, "x" * 101) == kit.at(path, f"{label} must be 100 characters or less")
    data = kit.valid("referral")
    data["household"][0][name] = "x" * 100
    kit.validate("referral", data)


def test_an_empty_household_is_refused(kit: Any) -> None:
    assert kit.errors_with("referral", ("household",), []) == {
        "household": ["Add at least one household member"]}


def test_gender_is_optional_and_checked_when_given(kit: Any) -> None:
    path = ("household", 0, "gender")
    assert kit.errors_with("referral", path, "unknown") == kit.at(path, "Select the gender from the list")


@pytest.mark.parametrize(("given", "stored"), [
    ("ng24 1ab", "NG24 1AB"), ("NG241AB", "NG24 1AB"), (" ng24   1ab ", "NG24 1AB"), ("GIR0AA", "GIR 0AA"),
    ("ec1a 1bb", "EC1A 1BB"), ("w1a0ax", "W1A 0AX"),
])
def test_postcodes_are_stored_in_upper_case_with_one_space(kit: Any, given: str, stored: str) -> None:
    data = kit.valid("referral")
    data["address"]["postcode"] = given
    assert kit.validate("referral", data)["address"]["postcode"] == stored


@pytest.mark.parametrize("postcode", ["NG24", "12345", "NG24 1A", "NOT A POSTCODE"])
def test_a_partial_or_foreign_postcode_is_refused(kit: Any, postcode: str) -> None:
    path = ("address", "postcode")
    assert kit.errors_with("referral", path, postcode) == kit.at(path, "Enter a full UK postcode")


def test_the_district_is_one_of_the_seven(kit: Any) -> None:
    assert kit.errors_with("referral", ("district",), "Newark and Sherwood") == {
        "district": ["Select the district"]}


@pytest.mark.parametrize("consent", [False, "false", ""])
def test_the_family_must_have_consented(kit: Any, consent: Any) -> None:
    assert kit.errors_with("referral", ("consent",), consent) == {
        "consent": ["Confirm the family has consented to this referral"]}


@pytest.mark.parametrize("ticked", ["on", "true", "yes", True])
def test_a_ticked_consent_box_is_stored_as_true(kit: Any, ticked: Any) -> None:
    data = kit.valid("referral")
    data["consent"] = ticked
    assert kit.validate("referral", data)["consent"] is True
