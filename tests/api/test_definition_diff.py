"""``GET /api/v1/definitions/{process_id}/diff?from=&to=``: the engine's diff in words between two published
versions of one process, for process owners and administrators; unknown versions 404, a bad query 422."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.fixtures.app import Api
from tests.fixtures.lifecycle import Journey

# The engine's diff test's journey, with lanes the deploy accepts (groups) and no form it would look up.
BASE = (Path(__file__).resolve().parents[1] / "engine" / "bpmn" / "spec_diff_journey.bpmn").read_text(
    encoding="utf-8").replace('name="Early help unit"', 'name="case_manager"').replace(
    'name="Case manager"', 'name="case_manager"').replace(
    '<spiffworkflow:property name="form" value="assessment"/>', "")


def edit(*pairs: tuple[str, str]) -> str:
    text = BASE
    for before, after in pairs:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    return text


INSERTED = edit(
    ('<bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="plan"/>',
     '<bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="consent"/>'
     '<bpmn:userTask id="consent" name="Record consent"><bpmn:incoming>f2</bpmn:incoming>'
     '<bpmn:outgoing>f2b</bpmn:outgoing></bpmn:userTask>'
     '<bpmn:sequenceFlow id="f2b" sourceRef="consent" targetRef="plan"/>'),
    ('<bpmn:userTask id="plan" name="Family Action Plan"><bpmn:incoming>f2</bpmn:incoming>',
     '<bpmn:userTask id="plan" name="Family Action Plan"><bpmn:incoming>f2b</bpmn:incoming>'),
    ('<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>',
     '<bpmn:flowNodeRef>plan</bpmn:flowNodeRef><bpmn:flowNodeRef>consent</bpmn:flowNodeRef>'))
REMOVED = edit(
    ('<bpmn:userTask id="plan" name="Family Action Plan"><bpmn:incoming>f2</bpmn:incoming>'
     '<bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>', ""),
    ('<bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="plan"/>', ""),
    ('<bpmn:sequenceFlow id="f3" sourceRef="plan" targetRef="route"/>',
     '<bpmn:sequenceFlow id="f3" sourceRef="assess" targetRef="route"/>'),
    ('<bpmn:outgoing>f2</bpmn:outgoing>', '<bpmn:outgoing>f3</bpmn:outgoing>'),
    ('<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>', ""))
TIMER = edit(('"P3M"', '"P1M"'))
CONDITION = edit(("route == 'cm'", "route in ('cm', 'eh')"))


def publish(api: Api, text: str, note: str = "A change", name: str = "journey.bpmn") -> None:
    data = {"files": [(io.BytesIO(text.encode()), name)], "note": note}
    response = api.post("/api/v1/definitions", as_="owner", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(("changed", "expected"), [
    (INSERTED, ["New task 'Record consent' between 'Assessment' and 'Family Action Plan'"]),
    (REMOVED, ["Removed task 'Family Action Plan' (was between 'Assessment' and 'Route?')"]),
    (TIMER, ["Timer 'Review due' changed from \"P3M\" to \"P1M\""]),
    (CONDITION, ["Condition on the flow from 'Route?' to 'Case management' changed from `route == 'cm'` to "
                 "`route in ('cm', 'eh')`"]),
], ids=["inserted task", "removed task", "changed timer", "changed condition"])
def test_the_diff_in_words_between_two_versions(api: Api, changed: str, expected: list[str]) -> None:
    publish(api, BASE)
    publish(api, changed)
    response = api.get("/api/v1/definitions/journey/diff?from=1&to=2", as_="owner")
    assert response.status_code == 200, response.json
    assert response.json == {"process_id": "journey", "from": 1, "to": 2, "changes": expected}


def test_a_version_against_itself_says_nothing_and_either_order_is_read(api: Api) -> None:
    publish(api, BASE)
    publish(api, TIMER)
    assert api.get("/api/v1/definitions/journey/diff?from=2&to=2", as_="admin").json["changes"] == []
    assert api.get("/api/v1/definitions/journey/diff?from=2&to=1", as_="admin").json["changes"] == [
        "Timer 'Review due' changed from \"P1M\" to \"P3M\""]


def test_the_diff_is_for_process_owners_and_admins_and_unknown_versions_are_not_found(api: Api) -> None:
    publish(api, BASE)
    api.user("cm", "case_manager")
    refused = api.get("/api/v1/definitions/journey/diff?from=1&to=1", as_="cm")
    assert refused.status_code == 403
    assert refused.json["error"]["message"] == "only administrators and process owners read the definitions"
    for query, message in (("from=1&to=2", "process 'journey' has no version 2"),
                           ("from=3&to=1", "process 'journey' has no version 3")):
        missing = api.get(f"/api/v1/definitions/journey/diff?{query}", as_="owner")
        assert missing.status_code == 404, query
        assert missing.json["error"]["message"] == message
    assert api.get("/api/v1/definitions/nobody/diff?from=1&to=1", as_="owner").status_code == 404


@pytest.mark.parametrize(("query", "field"), [
    ("from=1&to=1&colour=red", "colour"), ("to=1", "from"), ("from=1", "to"), ("from=one&to=1", "from"),
    ("from=0&to=1", "from"), ("from=1&to=2147483648", "to"),
])
def test_a_bad_query_is_refused_naming_the_parameter(api: Api, query: str, field: str) -> None:
    publish(api, BASE)
    response = api.get(f"/api/v1/definitions/journey/diff?{query}", as_="owner")
    assert response.status_code == 422, query
    assert response.json["error"]["message"] == "the query has errors"
    assert field in response.json["error"]["details"], response.json


def test_a_process_published_alone_is_compared_with_its_own_file_in_the_bundle_it_came_in(
        api: Api, journey: Journey) -> None:
    # The journey deploys the lifecycle's bundle, whose other files define messages case_management
    # correlates on too: the diff reads each version's own file, so publishing it alone changes no message.
    own = (Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "case_management.bpmn").read_text(
        encoding="utf-8")
    publish(api, own.replace('name="Assess the whole family"', 'name="Assess the family together"'),
            name="case_management.bpmn")
    assert api.get("/api/v1/definitions/case_management/diff?from=1&to=2", as_="owner").json["changes"] == [
        "Task 'Assess the whole family' renamed to 'Assess the family together'"]
