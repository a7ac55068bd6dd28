"""Starting instances, working their tasks through the API, and every refusal with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models import AccessLog, Event, HumanTask, Instance
from tests.fixtures.app import Api, open_task
from web.extensions import db

FAMILY = {"family_ref": "F-2027-000001", "district": "ashfield",
          "allocation": {"case_manager": "cm1", "team": "north"}}


@pytest.fixture
def review(api: Api) -> Api:
    assert api.deploy("review.bpmn").status_code == 201
    api.user("cm1", "case_manager", teams=("north",))
    api.user("cm2", "case_manager", teams=("north",))
    api.user("cm3", "case_manager", teams=("south",))
    api.user("tm1", "team_manager", teams=("north",))
    api.user("ehu", "early_help_unit")
    return api


def start(api: Api, data: dict[str, Any] | None = None, as_: str = "cm1") -> int:
    response = api.post("/api/v1/instances", as_=as_,
                        json={"process_id": "review", "business_key": "F-2027-000001", "data": data or FAMILY})
    assert response.status_code == 201, response.json
    assert response.json["status"] == "active"
    return int(response.json["id"])


def business_rows() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Instance, HumanTask, Event)
    }


def test_start_projects_the_first_task_with_assignee_team_and_inbox_fields(review: Api) -> None:
    instance_id = start(review)
    task = open_task(review, instance_id, as_="cm1")
    assert task["bpmn_id"] == "do_review"
    assert task["name"] == "Review the family"
    assert task["group"] == "case_manager"
    assert task["team"] == "north"
    assert task["assignee"] == "cm1"
    assert task["state"] == "open"
    assert task["family_ref"] == "F-2027-000001"
    assert task["district"] == "ashfield"
    assert task["form"] is None
    instance = review.get(f"/api/v1/instances/{instance_id}", as_="cm1").json
    assert instance["status"] == "active"
    assert instance["process_id"] == "review"
    assert instance["version"] == 1
    assert instance["business_key"] == "F-2027-000001"
    assert instance["next_timer_due_at"] is None
    assert [t["id"] for t in instance["open_tasks"]] == [task["id"]]
    assert instance["data"]["allocation"]["team"] == "north"


def test_a_whole_journey_with_a_returned_approval_loop(review: Api) -> None:
    instance_id = start(review)
    review_task = open_task(review, instance_id, as_="cm1")
    done = review.post(f"/api/v1/tasks/{review_task['id']}/complete", as_="cm1", json={"data": {"visited": True}})
    assert done.status_code == 200, done.json
    assert done.json == {"task_id": review_task["id"], "instance_id": instance_id, "instance_status": "active"}
    approval = open_task(review, instance_id, as_="tm1")
    assert (approval["bpmn_id"], approval["group"], approval["form"]) == ("approve", "team_manager",
                                                                          "closure_approval")
    detail = review.get(f"/api/v1/tasks/{approval['id']}", as_="tm1").json
    assert detail["data"]["visited"] is True
    assert detail["data"]["review_note"] == "reviewed F-2027-000001"  # the script task ran
    assert "decision" in detail["form_schema"]["properties"]
    returned = review.post(f"/api/v1/tasks/{approval['id']}/complete", as_="tm1",
                           json={"data": {"decision": "return", "reasons": "Evidence of school attendance"}})
    assert returned.status_code == 200, returned.json
    again = open_task(review, instance_id, as_="cm1")
    assert again["bpmn_id"] == "do_review" and again["id"] != review_task["id"]
    review.post(f"/api/v1/tasks/{again['id']}/complete", as_="cm1", json={"data": {"visited": True}})
    approval = open_task(review, instance_id, as_="tm1")
    approved = review.post(f"/api/v1/tasks/{approval['id']}/complete", as_="tm1",
                           json={"data": {"decision": "approve", "evidence_checked": True}})
    assert approved.json["instance_status"] == "completed"
    # Nothing of it is open any more: having worked on it grants no read by itself (an administrator's).
    assert review.get(f"/api/v1/instances/{instance_id}", as_="tm1").status_code == 404
    instance = review.get(f"/api/v1/instances/{instance_id}", as_="admin").json
    assert instance["status"] == "completed"
    assert instance["open_tasks"] == []
    assert instance["data"]["closure_approval"]["decision"] == "approve"
    kinds = [e["kind"] for e in review.get(f"/api/v1/instances/{instance_id}/history", as_="admin").json["items"]]
    assert kinds[0] == "instance_started"
    assert kinds.count("task_completed") >= 4 and kinds[-1] == "instance_completed"
    completions = [e for e in review.get(f"/api/v1/instances/{instance_id}/history", as_="admin").json["items"]
                   if e["kind"] == "task_completed" and e["actor"] == "tm1"]
    assert completions[0]["data"] == {"decision": "return", "reasons": "Evidence of school attendance",
                                      "evidence_checked": False}


def test_form_errors_are_field_errors_and_nothing_is_written(review: Api) -> None:
    instance_id = start(review)
    review.post(f"/api/v1/tasks/{open_task(review, instance_id)['id']}/complete", as_="cm1", json={"data": {}})
    approval = open_task(review, instance_id)
    before = business_rows()
    response = review.post(f"/api/v1/tasks/{approval['id']}/complete", as_="tm1", json={"data": {"decision": "return"}})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed"
    assert "reasons" in response.json["error"]["details"]
    assert business_rows() == before
    assert open_task(review, instance_id)["state"] == "open"


def test_refusals_carry_exact_status_and_code_and_change_nothing(review: Api) -> None:
    instance_id = start(review)
    task_id = open_task(review, instance_id)["id"]
    before = business_rows()
    cases = [
        # a colleague in the lane, who may not see a task that is someone else's, hears only that
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm2", json={"data": {}}), 409, "claimed_by_another"),
        (review.get(f"/api/v1/tasks/{task_id}", as_="cm2"), 404, "not_found"),
        (review.get(f"/api/v1/instances/{instance_id}", as_="cm2"), 404, "not_found"),
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm3", json={"data": {}}), 404, "not_found"),
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="ehu", json={"data": {}}), 404, "not_found"),
        # the team manager sees the team's task but is not in its lane's group
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="tm1", json={"data": {}}), 403, "forbidden"),
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", data="{not json",
                     content_type="application/json"), 400, "malformed_json"),
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"data": [1]}), 422, "validation_failed"),
        (review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"date": {}}), 422, "validation_failed"),
        (review.post("/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete", as_="cm1",
                     json={"data": {}}), 404, "not_found"),
        (review.get("/api/v1/instances/999999", as_="cm1"), 404, "not_found"),
        (review.post("/api/v1/instances", as_="cm1", json={"process_id": "nope", "data": {}}), 404, "not_found"),
        (review.post("/api/v1/instances", as_="ehu", json={"process_id": "review", "data": {}}), 403, "forbidden"),
        (review.post("/api/v1/instances", as_="cm1", json={"business_key": "x"}), 422, "validation_failed"),
        (review.post(f"/api/v1/instances/{instance_id}/terminate", as_="cm1"), 403, "forbidden"),
        (review.post(f"/api/v1/instances/{instance_id}/terminate", as_="cm3"), 404, "not_found"),
        (review.post(f"/api/v1/instances/{instance_id}/retry", as_="admin"), 409, "not_in_error"),
        (review.get("/api/v1/tasks?limit=0", as_="cm1"), 422, "validation_failed"),
        (review.get("/api/v1/tasks?cursor=garbage", as_="cm1"), 422, "validation_failed"),
        (review.client.get("/api/v1/tasks", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json["error"]["code"]) == (status, code), response.json
    assert business_rows() == before


def test_double_completion_is_a_conflict(review: Api) -> None:
    instance_id = start(review)
    task_id = open_task(review, instance_id)["id"]
    assert review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"data": {}}).status_code == 200
    before = business_rows()
    again = review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"data": {}})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "task_not_open"
    assert business_rows() == before


def test_claim_unclaim_and_complete_an_unclaimed_task(review: Api) -> None:
    data = {**FAMILY, "allocation": {"team": "north"}}  # no case manager yet: the team's pool
    instance_id = start(review, data)
    task_id = open_task(review, instance_id)["id"]
    assert open_task(review, instance_id, as_="cm2")["assignee"] is None
    assert review.get(f"/api/v1/tasks?instance_id={instance_id}", as_="cm3").json["items"] == []
    claimed = review.post(f"/api/v1/tasks/{task_id}/claim", as_="cm2")
    assert claimed.status_code == 200 and claimed.json["assignee"] == "cm2"
    taken = review.post(f"/api/v1/tasks/{task_id}/claim", as_="cm1")
    assert (taken.status_code, taken.json["error"]["code"]) == (409, "claimed_by_another")
    assert review.post(f"/api/v1/tasks/{task_id}/unclaim", as_="cm1").status_code == 403
    assert review.post(f"/api/v1/tasks/{task_id}/unclaim", as_="tm1").json["assignee"] is None  # their manager
    done = review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"data": {}})
    assert done.status_code == 200
    task = review.get(f"/api/v1/tasks/{task_id}", as_="cm1").json
    assert (task["state"], task["assignee"], task["completed_by"]) == ("completed", "cm1", "cm1")


def test_inbox_filters_fields_and_cursor_pagination(review: Api) -> None:
    ids = []
    for n in range(5):
        family = {**FAMILY, "family_ref": f"F-2027-00000{n}", "district": "gedling" if n % 2 else "ashfield"}
        ids.append(start(review, family))
    page = review.get("/api/v1/tasks?limit=2", as_="cm1").json
    seen = [t["instance_id"] for t in page["items"]]
    while page["next"]:
        page = review.get(f"/api/v1/tasks?limit=2&cursor={page['next']}", as_="cm1").json
        seen += [t["instance_id"] for t in page["items"]]
    assert seen == list(reversed(ids))  # newest first, each once
    gedling = review.get("/api/v1/tasks?district=gedling", as_="cm1").json["items"]
    assert sorted(t["family_ref"] for t in gedling) == ["F-2027-000001", "F-2027-000003"]
    one = review.get("/api/v1/tasks?family_ref=F-2027-000004&bpmn_id=do_review", as_="cm1").json["items"]
    assert [t["instance_id"] for t in one] == [ids[4]]
    assert review.get("/api/v1/tasks?bpmn_id=approve", as_="cm1").json["items"] == []
    assert len(review.get("/api/v1/tasks?assignee=cm1&group=case_manager&team=north", as_="tm1").json["items"]) == 5
    assert review.get("/api/v1/tasks?overdue=true", as_="cm1").json["items"] == []
    assert review.get("/api/v1/tasks?state=completed", as_="cm1").json["items"] == []


def test_terminate_cancels_open_tasks(review: Api) -> None:
    instance_id = start(review)
    task_id = open_task(review, instance_id)["id"]
    response = review.post(f"/api/v1/instances/{instance_id}/terminate", as_="admin")
    assert response.json == {"id": instance_id, "status": "terminated"}
    assert review.get(f"/api/v1/tasks/{task_id}", as_="admin").json["state"] == "cancelled"
    again = review.post(f"/api/v1/instances/{instance_id}/terminate", as_="admin")
    assert (again.status_code, again.json["error"]["code"]) == (409, "instance_ended")
    gone = review.post(f"/api/v1/tasks/{task_id}/complete", as_="cm1", json={"data": {}})
    assert (gone.status_code, gone.json["error"]["code"]) == (409, "task_not_open")


def test_reads_write_the_access_log_including_404s(review: Api) -> None:
    instance_id = start(review)
    task_id = open_task(review, instance_id, as_="cm1")["id"]
    review.get(f"/api/v1/tasks/{task_id}", as_="cm1")
    review.get(f"/api/v1/tasks/{task_id}", as_="cm3")
    review.get(f"/api/v1/instances/{instance_id}", as_="admin")
    entries = [(e.username, e.route, e.resource_type, e.resource_id, e.status_code, e.admin_read)
               for e in db.session.scalars(select(AccessLog).order_by(AccessLog.id))]
    assert ("cm1", "/api/v1/tasks/<task_id>", "task", task_id, 200, False) in entries
    assert ("cm3", "/api/v1/tasks/<task_id>", "task", task_id, 404, False) in entries
    assert ("admin", "/api/v1/instances/<int:instance_id>", "instance", str(instance_id), 200, True) in entries
    assert ("cm1", "/api/v1/tasks", "task_list", None, 200, False) in entries


def test_openapi_document_is_generated_from_the_schemas(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/tasks/{task_id}/complete" in document["paths"]
    assert set(document["components"]["schemas"]["Instance"]["properties"]) >= {
        "id", "status", "process_id", "version", "business_key", "next_timer_due_at", "open_tasks", "data"}
