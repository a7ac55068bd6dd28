"""Forms as HTML and back: every lifecycle form renders, and posted answers become the form's data."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from forms import default_registry
from web.ui.forms_controls import build_controls, summary
from web.ui.forms_render import add_row, answers_from, collect, error_ids, normalise, remove_row

REGISTRY = default_registry()


@pytest.mark.parametrize("key", REGISTRY.keys())
def test_every_lifecycle_form_renders_each_question_once(ctx: Flask, key: str) -> None:
    specs = REGISTRY.fields(key)
    controls = build_controls(specs, {}, {}, {"household": [("P1", "Sam Smith")], "case_managers": [("cm1", "C")],
                                                "teams": [("north", "North")]})
    html = render_template_string('{% from "ui/_controls.html" import control %}'
                                  '{% for c in controls %}{{ control(c) }}{% endfor %}', controls=controls)
    for spec in specs:
        assert f'id="{spec.name}' in html, spec.name
    ids = [part.split('"')[0] for part in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_dates_rows_fieldsets_and_checkboxes_are_collected() -> None:
    specs = REGISTRY.fields("referral")
    answers = {
        "referrer-name": ["Pat"], "referrer-email": ["pat@example.org"],
        "household-count": ["2"], "household-0-given_name": ["Sam"], "household-0-family_name": ["Smith"],
        "household-0-date_of_birth-day": ["2"], "household-0-date_of_birth-month": ["4"],
        "household-0-date_of_birth-year": ["1985"], "household-1-given_name": [""],
        "address-line_1": ["1 High St"], "district": ["ashfield"], "consent": ["true"],
    }
    data = collect(specs, answers)
    assert data["referrer"]["name"] == "Pat"
    assert data["household"] == [{"given_name": "Sam", "family_name": "Smith", "date_of_birth": "1985-04-02"}]
    assert data["address"]["line_1"] == "1 High St"
    assert data["consent"] is True


def test_a_half_typed_date_is_sent_so_the_form_says_it_is_not_real() -> None:
    specs = REGISTRY.fields("closure_summary")
    data = collect(specs, {"closed_on-day": ["31"], "closed_on-month": ["2"], "closed_on-year": ["26"]})
    assert data["closed_on"] == "26-2-31"


def test_blank_rows_are_dropped_and_renumbered_so_errors_match_rows() -> None:
    specs = REGISTRY.fields("closure_summary")
    answers = normalise(specs, {"outcomes-count": ["3"], "outcomes-1-evidence": ["kept"]})
    assert answers["outcomes-0-evidence"] == ["kept"] and answers["outcomes-count"] == ["1"]
    assert "outcomes-1-evidence" not in answers


def test_add_and_remove_rows() -> None:
    answers = add_row({"outcomes-count": ["1"], "outcomes-0-evidence": ["a"]}, "outcomes")
    assert answers["outcomes-count"] == ["2"]
    answers = remove_row({**answers, "outcomes-1-evidence": ["b"]}, "outcomes", 0)
    assert answers == {"outcomes-count": ["1"], "outcomes-0-evidence": ["b"]}


def test_errors_map_to_element_ids_and_the_summary_links_to_them() -> None:
    messages = {"closed_on": ["Enter the date"], "outcomes": {0: {"indicator": ["Select the indicator"]}},
                "_schema": ["Something form-wide"]}
    errors = error_ids(messages)
    assert errors == {"closed_on": "Enter the date", "outcomes-0-indicator": "Select the indicator",
                      "": "Something form-wide"}
    controls = build_controls(REGISTRY.fields("closure_summary"), {}, errors, {})
    listed = summary(controls, errors)
    assert listed[0] == {"text": "Something form-wide", "href": "#task-form"}
    assert {"text": "Enter the date", "href": "#closed_on-day"} in listed
    assert {"text": "Select the indicator", "href": "#outcomes-0-indicator"} in listed


def test_stored_data_becomes_the_answers_it_was_collected_from() -> None:
    """A returned task is shown with its earlier answers: stored data back to posted answers, and those
    answers collect to the same data (dates, rows, yes/no radios, booleans)."""
    specs = REGISTRY.fields("closure_summary")
    data = {"closed_on": "2027-04-02", "summary": "Better progress.", "evidence": "School letter.", "outcomes": [
        {"person_id": "P1", "indicator": "22", "achieved": True, "evidence": "Police log."},
        {"person_id": "P2", "indicator": "7", "achieved": False, "evidence": "Attendance 85%."}]}
    answers = answers_from(specs, data)
    assert answers["closed_on-day"] == ["2"] and answers["closed_on-month"] == ["4"]
    assert answers["outcomes-count"] == ["2"] and answers["outcomes-1-achieved"] == ["false"]
    assert collect(specs, answers) == {**data, "outcomes": [{**row, "achieved": "true" if row["achieved"] else "false"}
                                                            for row in data["outcomes"]]}
    referral = REGISTRY.fields("referral")
    assert answers_from(referral, {"consent": True})["consent"] == ["true"]
    assert answers_from(referral, {"consent": False})["consent"] == []
