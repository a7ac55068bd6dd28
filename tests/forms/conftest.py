"""Fixtures for the forms tests: a registry on a fixed date with a fake indicator rule, the workflow
data a task would hand in, and one valid example per form."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest
from marshmallow import ValidationError

from forms.registry import FormRegistry, default_registry

TODAY = date(2027, 3, 1)
RECEIVED_ON = "2027-02-15"

ADULT = {"person_id": "P-1", "given_name": "Sam", "family_name": "Smith", "date_of_birth": "1985-06-01",
         "relationship": "Mother", "role": "adult"}
CHILD_14 = {"person_id": "P-2", "given_name": "Alex", "family_name": "Smith", "date_of_birth": "2012-09-01",
            "relationship": "Son", "role": "child"}
# 15 on the referral date, 16 by TODAY: which date the rule uses decides the answer.
CHILD_TURNING_16 = {"person_id": "P-3", "given_name": "Jo", "family_name": "Smith",
                    "date_of_birth": "2011-02-20", "relationship": "Daughter", "role": "child"}

WORKFLOW_DATA = {
    "referral": {"received_on": RECEIVED_ON, "household": [ADULT, CHILD_14, CHILD_TURNING_16]},
}

DV_PERPETRATOR, WORKLESS_ADULT = 21, 16


def age_on(date_of_birth: str, on: str) -> int:
    born, day = date.fromisoformat(date_of_birth), date.fromisoformat(on)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def fake_indicator_check(indicator: int, person: dict[str, Any], on: str) -> str | None:
    """Stands in for workflows.rules.indicator_applies bound to a framework."""
    if indicator == DV_PERPETRATOR and age_on(person["date_of_birth"], on) < 16:
        return "Indicator 21 is for people aged 16 or over: record indicator 11 for a younger child"
    if indicator == WORKLESS_ADULT and person["role"] != "adult":
        return "Indicator 16 is for adults"
    return None


VALID: dict[str, dict[str, Any]] = {
    "referral": {
        "referrer": {"name": "Pat Jones", "organisation": "Meadow Primary School", "role": "Family liaison",
                     "email": "pat.jones@example.org", "phone": "01632 960 001"},
        "household": [
            {"given_name": "Sam", "family_name": "Smith", "date_of_birth": "1985-06-01",
             "relationship": "Mother", "role": "adult", "gender": "female"},
            {"given_name": "Alex", "family_name": "Smith", "date_of_birth": "2012-09-01",
             "relationship": "Son", "role": "child"},
        ],
        "address": {"line_1": "1 Station Road", "line_2": "Flat 2", "town": "Newark", "postcode": "NG24 1AB"},
        "district": "newark_and_sherwood",
        "reasons": "Alex is often absent from school and there are police call-outs to the home.",
        "consent": True,
    },
    "triage": {
        "match": "new",
        "indicators": [
            {"person_id": "P-1", "indicator": 22, "evidence": "Two police call-outs in January"},
            {"person_id": "P-2", "indicator": 7, "evidence": "Attendance 82% over three terms"},
        ],
        "route": "case_management",
        "notes": "Mother agrees to a case manager.",
    },
    "allocation": {"case_manager": "cm1", "team": "newark-ehcm", "notes": "Lives near the team base."},
    "assessment": {
        "assessed_on": "2027-02-20",
        "all_members_included": True,
        "summary": "Meets crime (22) and education (7).",
        "indicators": [{"person_id": "P-2", "indicator": 7, "evidence": "Attendance certificate"}],
        "school_attendance": "Alex 82%",
        "benefits": ["jsa"],
    },
    "action_plan": {
        "agreed_on": "2027-02-25",
        "targets": [{"indicator": 7, "person_id": "P-2", "target": "Attendance above 90% this term",
                     "by_date": "2027-07-20"}],
        "review_date": "2027-05-25",
        "notes": "Plan agreed at home visit.",
    },
    "review": {
        "reviewed_on": "2027-02-28",
        "progress": [{"person_id": "P-2", "indicator": 7, "status": "on_track", "evidence": "91% this term"}],
        "next_steps": "Keep the attendance plan.",
        "ready_to_close": False,
        "review_date": "2027-05-28",
    },
    "closure_summary": {
        "closed_on": "2027-03-01",
        "summary": "Attendance and safety improved.",
        "outcomes": [{"person_id": "P-2", "indicator": 7, "achieved": True, "evidence": "94% over 3 terms"}],
        "evidence": "Attendance certificates on the case record.",
    },
    "closure_approval": {"decision": "approve", "evidence_checked": True, "reasons": "Well evidenced."},
    "pft_plan": {
        "intervention": "Weekly parenting sessions for 8 weeks.",
        "agreed_on": "2027-02-25",
        "targets": [{"indicator": 7, "person_id": "P-2", "target": "Morning routine in place",
                     "by_date": "2027-04-30"}],
        "review_date": "2027-05-25",
    },
    "signposting_evidence": {
        "contacted_on": "2027-02-27",
        "outcome_evidence": "Debt advice service confirmed a plan.",
        "outcomes_met": [
            {"person_id": "P-1", "indicator": 19, "achieved": True, "evidence": "Debt relief order"},
        ],
        "notes": "Family happy with the service.",
    },
    "continuous_employment": {
        "person_id": "P-1",
        "benefit": "jsa",
        "employment_started_on": "2027-01-04",
        "off_benefit_on": "2027-01-04",
        "verified": True,
        "evidence": "DWP data match",
    },
    "audit_stage_1": {"result": "pass", "notes": "All evidence on record."},
    "audit_stage_2": {"result": "pass", "notes": "Sampled.", "refer_to_stage_3": False},
    "audit_stage_3": {"result": "pass"},
    "claim_batch_review": {"decision": "submit"},
    "renewed_progress": {"renewed": True, "renewed_on": "2027-01-04", "evidence": "Back in work"},
    "audit_evidence": {"evidence": "Attendance records attached", "provided_on": "2027-01-04"},
    "identification_check": {"data_checked": True},
    "triage_escalation": {"action": "Asked the duty worker to triage it today."},
}

Path = Sequence[str | int]


class FormKit:
    """Validates examples against the registry and builds marshmallow-shaped expected errors."""

    def __init__(self, registry: FormRegistry) -> None:
        self.registry = registry

    @staticmethod
    def valid(key: str) -> dict[str, Any]:
        return copy.deepcopy(VALID[key])

    @staticmethod
    def workflow_data() -> dict[str, Any]:
        return copy.deepcopy(WORKFLOW_DATA)

    def validate(self, key: str, data: Mapping[str, Any] | None = None,
                 context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.registry.validate(key, self.valid(key) if data is None else data,
                                      self.workflow_data() if context is None else context)

    def errors(self, key: str, data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> Any:
        with pytest.raises(ValidationError) as raised:
            self.validate(key, data, context)
        return raised.value.messages

    def errors_with(self, key: str, path: Path, value: Any) -> Any:
        data = self.valid(key)
        *parents, last = path
        node: Any = data
        for step in parents:
            node = node[step]
        node[last] = value
        return self.errors(key, data)

    def errors_without(self, key: str, path: Path) -> Any:
        data = self.valid(key)
        *parents, last = path
        node: Any = data
        for step in parents:
            node = node[step]
        del node[last]
        return self.errors(key, data)

    @staticmethod
    def at(path: Path, *messages: str) -> dict[str | int, Any]:
        """``{"a": {0: {"b": [message]}}}`` for path ``("a", 0, "b")``."""
        error: Any = list(messages)
        for step in reversed(path):
            error = {step: error}
        return error


@pytest.fixture
def registry() -> FormRegistry:
    return default_registry(indicator_check=fake_indicator_check, today=lambda: TODAY)


@pytest.fixture
def kit(registry: FormRegistry) -> FormKit:
    return FormKit(registry)
