"""Every lifecycle workflow file deploys through the engine's validation; every user task names a form
from the registry and sits in a lane that names a group; every element has a diagram shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine import spiff
from engine.access import Actor
from engine.errors import DeployRefused
from forms.registry import LIFECYCLE_FORMS
from tests.fixtures.lifecycle import BUNDLE, GROUPS, Journey
from web.wiring import get_engine

ADMIN = Actor("setup", frozenset({"admin"}))
LANE_GROUPS = set(GROUPS) - {"admin", "process_owner", "referrer"}
FILES = sorted(BUNDLE.glob("*.bpmn"))


def bundle() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in FILES}


def test_every_workflow_deploys_and_every_user_task_has_a_form_and_a_lane(journey: Journey) -> None:
    # identical to the fixture's: the same versions
    deployed = get_engine().deploy(bundle(), ADMIN, "Deployed by the test")
    assert {d.process_id for d in deployed} == {"family_referral", "case_management", "parenting_family_team",
                                                "claim_window", "family_audit", "identification_alert",
                                                "audit_evidence"}
    parsed = spiff.parse_bundle(bundle())
    user_tasks = [(spec, file) for spec, file in spiff.iter_task_specs(parsed) if getattr(spec, "manual", False)]
    assert len(user_tasks) >= 15
    for spec, file in user_tasks:
        form = spiff.task_properties_of_spec(spec).get("form")
        assert form in LIFECYCLE_FORMS, (file, spec.bpmn_id, form)
        assert spec.lane in LANE_GROUPS, (file, spec.bpmn_id, spec.lane)
    forms_used = {spiff.task_properties_of_spec(s)["form"] for s, _ in user_tasks}
    assert forms_used == set(LIFECYCLE_FORMS) - {"referral"}  # the referral form is the API's, not a task's


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_element_has_a_diagram_shape(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    ns = {"bpmn": spiff.BPMN_NS, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
    drawn = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNShape", ns)}
    drawn |= {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", ns)}
    kinds = ("userTask", "serviceTask", "scriptTask", "callActivity", "subProcess", "startEvent", "endEvent",
             "exclusiveGateway", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
             "sequenceFlow", "lane", "participant")
    elements = {e.get("id") for kind in kinds for e in root.iterfind(f".//bpmn:{kind}", ns)}
    assert elements - drawn == set()


def test_deploy_refuses_a_user_task_with_an_unknown_form(journey: Journey) -> None:
    files = bundle()
    files["case_management.bpmn"] = files["case_management.bpmn"].replace(
        b'name="form" value="allocation"', b'name="form" value="allocation_v2"')
    with pytest.raises(DeployRefused) as refused:
        get_engine().deploy(files, ADMIN, "Deployed by the test")
    assert refused.value.details[0]["element_id"] == "allocate"
    assert "allocation_v2" in refused.value.details[0]["reason"]
