"""Access leaks closed: instance reads follow the family access matrix (1), messages are no side
door (2), the domain's own processes start only through their own endpoints' validation (3), inbox fields
grant no family access (4), and list reads and the subject access export account for every family (16)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from engine.identity import ensure_team
from engine.models import AccessLog, BufferedMessage, Instance, User
from tests.fixtures.lifecycle import REFERRAL, TEAM, Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from workflows.read.subject_access import subject_access_export

NOWHERE = "F-2027-987654"
OWNER_BUNDLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://x">
  <bpmn:collaboration id="c"><bpmn:participant id="p" processRef="peek"/></bpmn:collaboration>
  <bpmn:process id="peek" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="inbox_fields" value="family_ref"/>
      <spiffworkflow:property name="starters" value="process_owner"/>
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls"><bpmn:lane id="owners" name="process_owner">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>look</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="look"/>
    <bpmn:userTask id="look" name="Look"/><bpmn:sequenceFlow id="f2" sourceRef="look" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>"""


def _allocated(journey: Journey) -> dict[str, Any]:
    referral = journey.refer()
    journey.triage(referral["family_ref"], referral["people"])
    journey.do(referral["family_ref"], "allocate", "tm1", {"case_manager": "cm1", "team": TEAM})
    return referral


def _instances() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Instance)) or 0)


# -- 1. instance and history reads ------------------------------------------------------------------

def test_having_triaged_a_family_does_not_open_its_instance_for_ever(journey: Journey) -> None:
    referral = _allocated(journey)
    ref, instance_id = referral["family_ref"], referral["instance_id"]
    assert journey.api.get(f"/api/v1/families/{ref}", as_="ehu1").status_code == 404
    unknown = journey.api.get("/api/v1/instances/987654", as_="ehu1").get_json()
    for url in (f"/api/v1/instances/{instance_id}", f"/api/v1/instances/{instance_id}/history"):
        hidden = journey.api.get(url, as_="ehu1")
        assert hidden.status_code == 404, url
        assert hidden.get_json()["error"]["code"] == unknown["error"]["code"] == "not_found"
        assert "Smith" not in hidden.get_data(as_text=True)
    # The family access matrix, not participation: the allocated case manager and the team reads it.
    for reader in ("cm1", "tm1", "tf1", "admin"):
        assert journey.api.get(f"/api/v1/instances/{instance_id}/history", as_=reader).status_code == 200, reader
    assert journey.api.get(f"/api/v1/instances/{instance_id}", as_="cm2").status_code == 404


# -- 2. messages ------------------------------------------------------------------------------------

def _employment(journey: Journey, ref: str, person_id: str, as_: str) -> Any:
    return journey.api.post("/api/v1/messages", as_=as_, json={
        "name": "continuous_employment", "correlation": {"family_ref": ref},
        "payload": {"family_ref": ref, "person_id": person_id, "benefit": "jsa", "off_benefit_on": "2027-03-01",
                    "employment_started_on": "2027-03-01"}})


def test_a_message_for_a_family_the_sender_may_not_read_is_a_404_like_no_family(journey: Journey) -> None:
    referral = _allocated(journey)
    ref, adult = referral["family_ref"], referral["people"][0]["person_id"]
    ensure_team(db.session, "ashfield-ehcm", "Ashfield Early Help Case Management")
    journey.api.user("cm9", "case_manager", teams=("ashfield-ehcm",))
    before = sorted(t["bpmn_id"] for t in journey.family(ref)["open_tasks"])
    hidden, unknown = _employment(journey, ref, adult, "cm9"), _employment(journey, NOWHERE, adult, "cm9")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_json() == unknown.get_json()
    escalation = journey.api.post("/api/v1/messages", as_="cm9", json={
        "name": "social_care_escalation", "correlation": {"family_ref": ref}, "payload": {"reason": "x"}})
    assert escalation.status_code == 404
    assert sorted(t["bpmn_id"] for t in journey.family(ref)["open_tasks"]) == before  # nothing delivered
    assert _employment(journey, ref, adult, "cm1").status_code == 200  # the allocated case manager's goes


def test_a_message_naming_no_family_is_refused_and_never_kept(journey: Journey) -> None:
    response = _employment(journey, "F-2027-000999", "P-0000001", "admin")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert db.session.scalar(select(func.count()).select_from(BufferedMessage)) == 0
    referral = journey.refer()  # that reference would be the next one issued: nothing waits for it
    assert referral["family_ref"] != "F-2027-000999" or journey.family(referral["family_ref"])["outcomes"] == []


def test_a_message_whose_payload_names_another_family_is_refused(journey: Journey) -> None:
    mine, other = _allocated(journey), journey.refer()
    response = journey.api.post("/api/v1/messages", as_="cm1", json={
        "name": "continuous_employment", "correlation": {"family_ref": mine["family_ref"]},
        "payload": {"family_ref": other["family_ref"], "person_id": mine["people"][0]["person_id"],
                    "benefit": "jsa", "off_benefit_on": "2027-03-01", "employment_started_on": "2027-03-01"}})
    assert response.status_code == 404
    assert "verify_employment" not in [t["bpmn_id"] for t in journey.family(mine["family_ref"])["open_tasks"]]


# -- 3. the generic start ---------------------------------------------------------------------------

def test_the_domain_processes_start_only_through_their_own_endpoints(journey: Journey) -> None:
    started = _instances()
    referral = journey.api.post("/api/v1/instances", as_="partner", json={
        "process_id": "family_referral", "data": {"referral": {"consent": False}}})
    window = journey.api.post("/api/v1/instances", as_="tf1", json={
        "process_id": "claim_window", "business_key": "w", "data": {"window": {
            "name": "w", "local_cutoff_at": "2027-12-01T00:00:00+00:00", "closes_at": "2027-11-01T00:00:00+00:00"}}})
    assert (referral.status_code, window.status_code) == (403, 403)
    assert _instances() == started


def test_an_administrators_generic_start_is_validated_like_the_endpoint(journey: Journey) -> None:
    started = _instances()
    forged = {**REFERRAL, "consent": False, "received_at": "2001-01-01T00:00:00+00:00", "submitted_by": "someone"}
    refused = journey.api.post("/api/v1/instances", as_="admin", json={
        "process_id": "family_referral", "data": {"referral": forged}})
    assert refused.status_code == 422, refused.get_json()
    details = refused.get_json()["error"]["details"]
    assert details["consent"] == ["Confirm the family has consented to this referral"]
    assert details["received_at"] == details["submitted_by"] == ["Unknown field."]
    window = journey.api.post("/api/v1/instances", as_="admin", json={
        "process_id": "claim_window", "business_key": "w", "data": {"window": {
            "name": "w", "local_cutoff_at": "2027-12-01T00:00:00+00:00", "closes_at": "2027-11-01T00:00:00+00:00"}}})
    assert window.status_code == 422
    assert window.get_json()["error"]["details"] == {"local_cutoff_at": [
        "The local cut-off must be before the window closes."]}
    assert _instances() == started  # nothing written
    ok = journey.api.post("/api/v1/instances", as_="admin", json={
        "process_id": "family_referral", "data": {"referral": REFERRAL}})
    assert ok.status_code == 201, ok.get_json()
    history = journey.ok(journey.api.get(f"/api/v1/instances/{ok.get_json()['id']}/history", as_="admin"))
    submitted = history["items"][0]["data"]["data"]["referral"]
    assert submitted["submitted_by"] == "admin" and submitted["received_at"].startswith("2027-03-01")


# -- 4. inbox fields grant nothing ------------------------------------------------------------------

def test_a_process_owners_own_process_naming_a_family_grants_no_access(journey: Journey) -> None:
    journey.api.user("owner2", "process_owner")
    ref = _allocated(journey)["family_ref"]
    deployed = journey.api.post("/api/v1/definitions", as_="owner2", data={"files": [
        (io.BytesIO(OWNER_BUNDLE), "peek.bpmn")], "note": "test"}, content_type="multipart/form-data")
    assert deployed.status_code == 201, deployed.get_json()
    started = journey.api.post("/api/v1/instances", as_="owner2", json={
        "process_id": "peek", "data": {"family_ref": ref}})
    assert started.status_code == 201
    assert [t["bpmn_id"] for t in journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}",
                                                            as_="owner2"))["items"]] == ["look"]
    assert journey.api.get(f"/api/v1/families/{ref}", as_="owner2").status_code == 404
    assert journey.api.get(f"/families/{ref}", as_="owner2").status_code in (302, 404)


# -- 16. list reads in the family's access log; messages in the export ------------------------------

def _family_reads(ref: str, username: str) -> list[str]:
    return list(db.session.scalars(select(AccessLog.route).where(
        AccessLog.resource_type == "family", AccessLog.resource_id == ref, AccessLog.username == username)
        .order_by(AccessLog.id)))


def test_lists_showing_a_family_write_its_access_log(journey: Journey) -> None:
    ref = journey.close_approved(journey.refer())
    window = journey.claim_window("2028 December", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    journey.travel("P20M")
    assert [p["family_ref"] for p in journey.window(window["id"], as_="pm1")["pool"]] == [ref]
    journey.ok(journey.api.get(f"/api/v1/tasks?family_ref={ref}", as_="tf1"))
    journey.ok(journey.api.get("/api/v1/tf-register", as_="co1"))
    assert _family_reads(ref, "pm1") == ["/api/v1/claim-windows/<int:window_id>"]
    assert _family_reads(ref, "tf1") == ["/api/v1/tasks"]
    assert _family_reads(ref, "co1") == ["/api/v1/tf-register"]
    journey.ok(journey.api.get("/api/v1/tasks?family_ref=F-2027-987654", as_="tf1"))
    assert _family_reads("F-2027-987654", "tf1") == []  # nothing shown, nothing logged


def test_the_subject_access_export_holds_the_messages_about_the_person(journey: Journey) -> None:
    referral = _allocated(journey)
    adult, child = (p["person_id"] for p in referral["people"])
    sent = journey.api.post("/api/v1/messages", as_="cm1", json={
        "name": "continuous_employment", "correlation": {"family_ref": referral["family_ref"]},
        "payload": {"family_ref": referral["family_ref"], "person_id": adult, "benefit": "jsa",
                    "off_benefit_on": "2027-03-01", "employment_started_on": "2027-03-01",
                    "note": "Started at the depot"}})
    assert sent.status_code == 200
    export = subject_access_export(db.session, [adult], now=datetime.now(UTC), made_by="admin")
    (message,) = export["messages"]
    assert message["name"] == "continuous_employment"
    assert message["about_this_person"]["off_benefit_on"] == "2027-03-01"
    assert message["about_this_person"]["note"] == "Started at the depot"
    assert subject_access_export(db.session, [child], now=datetime.now(UTC), made_by="admin")["messages"] == []


def test_the_pages_and_files_listing_families_write_their_access_logs(journey: Journey, app: Flask) -> None:
    ref = journey.close_approved(journey.refer())
    window = journey.claim_window("2028 December", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    journey.travel("P20M")
    journey.audit(ref, 1)
    for picked in journey.window(window["id"])["sample"]["picks"]:
        journey.audit(picked, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    user = db.session.scalar(select(User).where(User.username == "co1"))
    assert user is not None
    set_password(db.session, user, PASSWORD)
    db.session.commit()
    browser = app.test_client()
    assert sign_in(browser, "co1").status_code == 302
    assert ref in browser.get(f"/tf/claim-windows/{window['id']}").get_data(as_text=True)
    assert ref in browser.get(f"/tf/claim-windows/{window['id']}/claim-file.csv").get_data(as_text=True)
    journey.api.user("co2", "tf_coordinator")
    assert journey.api.get(f"/api/v1/claim-windows/{window['id']}/claim-file.csv", as_="co2").status_code == 200
    assert _family_reads(ref, "co1") == ["/tf/claim-windows/<int:window_id>",
                                         "/tf/claim-windows/<int:window_id>/claim-file.<extension>"]
    assert _family_reads(ref, "co2") == ["/api/v1/claim-windows/<int:window_id>/claim-file.csv"]
