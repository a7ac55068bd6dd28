from __future__ import annotations

from typing import Any

import pytest
from marshmallow import ValidationError

from forms.registry import default_registry

REQUIRED = [
    (("match",), "Enter new or the family reference of the known family"),
    (("route",), "Select the route"),
    (("indicators", 0, "person_id"), "Select the person"),
    (("indicators", 0, "indicator"), "Select the indicator"),
    (("indicators", 0, "evidence"), "Enter the evidence for this indicator"),
]
TOO_YOUNG = "Indicator 21 is for people aged 16 or over: record indicator 11 for a younger child"


def _with_indicators(kit: Any, *rows: tuple[str, Any]) -> dict[str, Any]:
    data = kit.valid("triage")
    data["indicators"] = [
        {"person_id": person, "indicator": number, "evidence": "Seen"} for person, number in rows]
    return data


def test_a_complete_triage_is_stored_as_given(kit: Any) -> None:
    assert kit.validate("triage") == kit.valid("triage")


@pytest.mark.parametrize(("path", "message"), REQUIRED)
def test_each_required_answer_has_its_own_message(kit: Any, path: tuple, message: str) -> None:
    assert kit.errors_without("triage", path) == kit.at(path, message)


def test_no_indicators_are_stored_as_an_empty_list(kit: Any) -> None:
    data = kit.valid("triage")
    del data["indicators"]
    data["route"] = "no_further_action"
    assert kit.validate("triage", data)["indicators"] == []


@pytest.mark.parametrize(("given", "stored"), [
    ("new", "new"), (" New ", "new"), ("F-2027-000123", "F-2027-000123"), ("f-2027-000123", "F-2027-000123"),
])
def test_match_is_new_or_a_family_reference(kit: Any, given: str, stored: str) -> None:
    data = kit.valid("triage")
    data["match"] = given
    assert kit.validate("triage", data)["match"] == stored


@pytest.mark.parametrize("match", ["F-27-123", "R-2027-000123", "F-2027-000123x", "family"])
def test_match_refuses_anything_else(kit: Any, match: str) -> None:
    assert kit.errors_with("triage", ("match",), match) == {
        "match": ["Enter new, or a family reference in the format F-2027-000123"]}


@pytest.mark.parametrize("route", ["case_management", "parenting_family_team", "signpost_internal",
                                   "signpost_external", "no_further_action"])
def test_every_route_is_accepted(kit: Any, route: str) -> None:
    data = kit.valid("triage")
    data.update(route=route, signposted_to="Citizens Advice")
    assert kit.validate("triage", data)["route"] == route


def test_an_unknown_route_is_refused(kit: Any) -> None:
    assert kit.errors_with("triage", ("route",), "social_care") == {"route": ["Select the route"]}


@pytest.mark.parametrize("route", ["signpost_internal", "signpost_external"])
def test_signposting_needs_the_service(kit: Any, route: str) -> None:
    data = kit.valid("triage")
    data["route"] = route
    assert kit.errors("triage", data) == {"signposted_to": ["Enter the service the family is signposted to"]}


def test_an_indicator_for_someone_outside_the_household_is_refused(kit: Any) -> None:
    data = _with_indicators(kit, ("P-1", 22), ("P-99", 7))
    assert kit.errors("triage", data) == {
        "indicators": {1: {"person_id": ["Select a person from the household"]}}}


def test_indicator_21_is_refused_for_a_14_year_old(kit: Any) -> None:
    data = _with_indicators(kit, ("P-1", 21), ("P-2", 21))
    assert kit.errors("triage", data) == {"indicators": {1: {"indicator": [TOO_YOUNG]}}}


def test_indicator_21_is_accepted_for_an_adult(kit: Any) -> None:
    data = _with_indicators(kit, ("P-1", "21"))
    assert kit.validate("triage", data)["indicators"][0]["indicator"] == 21


def test_the_rule_is_applied_on_the_referral_date(kit: Any) -> None:
    """P-3 is 15 on the referral date and 16 today: the referral date decides."""
    data = _with_indicators(kit, ("P-3", 21))
    assert kit.errors("triage", data) == {"indicators": {0: {"indicator": [TOO_YOUNG]}}}


def test_without_a_referral_date_the_rule_is_applied_today(kit: Any) -> None:
    context = kit.workflow_data()
    del context["referral"]["received_on"]
    kit.validate("triage", _with_indicators(kit, ("P-3", 21)), context)


@pytest.mark.parametrize(("received_at", "refused"), [
    ("2027-02-19T23:30:00+00:00", True),  # 19 February in London: P-3 is still 15
    ("2027-02-19T23:30:00-05:00", False),  # 20 February in London: P-3's 16th birthday
])
def test_a_referral_datetime_is_read_in_london(kit: Any, received_at: str, refused: bool) -> None:
    context = kit.workflow_data()
    del context["referral"]["received_on"]
    context["referral"]["received_at"] = received_at
    data = _with_indicators(kit, ("P-3", 21))
    if refused:
        assert kit.errors("triage", data, context) == {"indicators": {0: {"indicator": [TOO_YOUNG]}}}
    else:
        kit.validate("triage", data, context)


def test_without_an_indicator_check_only_the_person_is_checked(kit: Any) -> None:
    registry = default_registry()
    context = kit.workflow_data()
    assert registry.validate("triage", _with_indicators(kit, ("P-2", 21)), context)["indicators"][0] == {
        "person_id": "P-2", "indicator": 21, "evidence": "Seen"}
    with pytest.raises(ValidationError) as raised:
        registry.validate("triage", _with_indicators(kit, ("P-99", 21)), context)
    assert raised.value.messages == {"indicators": {0: {"person_id": ["Select a person from the household"]}}}


def test_without_a_household_in_the_context_no_person_can_be_chosen(kit: Any) -> None:
    data = _with_indicators(kit, ("P-1", 22))
    assert kit.errors("triage", data, {"referral": {}}) == {
        "indicators": {0: {"person_id": ["Select a person from the household"]}}}


def test_an_indicator_is_recorded_once_per_person(kit: Any) -> None:
    data = _with_indicators(kit, ("P-1", 22), ("P-2", 22), ("P-1", 22))
    assert kit.errors("triage", data) == {
        "indicators": {2: {"indicator": ["This indicator is already recorded for this person"]}}}


@pytest.mark.parametrize("number", [0, 30, "x", True])
def test_an_indicator_outside_1_to_29_is_refused(kit: Any, number: Any) -> None:
    data = _with_indicators(kit, ("P-1", number))
    assert kit.errors("triage", data) == {
        "indicators": {0: {"indicator": ["Select an indicator from 1 to 29"]}}}


def test_every_error_is_reported_at_once(kit: Any) -> None:
    data = _with_indicators(kit, ("P-2", 21), ("P-99", 7))
    data.update(route="signpost_external", match="")
    data["indicators"][0]["evidence"] = ""
    assert kit.errors("triage", data) == {
        "match": ["Enter new or the family reference of the known family"],
        "signposted_to": ["Enter the service the family is signposted to"],
        "indicators": {
            0: {"evidence": ["Enter the evidence for this indicator"], "indicator": [TOO_YOUNG]},
            1: {"person_id": ["Select a person from the household"]},
        },
    }
