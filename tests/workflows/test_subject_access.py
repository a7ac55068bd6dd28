"""workflows/read/subject_access.py on the real lifecycle: a family's access history, finding a person, and the
export of everything held about one person with their household left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine.models import AccessLog
from tests.fixtures.lifecycle import REFERRAL, Journey
from web.extensions import db
from web.wiring import get_engine
from workflows.models import Family
from workflows.read.subject_access import (
    SubjectAccessError,
    chosen_records,
    family_access_log,
    find_people,
    household,
    subject_access_export,
)

ALEX = {**REFERRAL["household"][1], "gender": "male"}
HOUSEHOLD = [REFERRAL["household"][0], ALEX,
             {"given_name": "Morgan", "family_name": "Smith", "date_of_birth": "2015-02-03", "relationship": "Daughter",
              "role": "child", "gender": "female"}]
# Everything that identifies Alex's mother and sister: none of it may be in Alex's export.
OTHERS = ("Sam", "1985-06-01", "Mother", "Morgan", "2015-02-03", "Daughter", "female")
CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"


def claimed_family(journey: Journey) -> dict[str, Any]:
    """A household of three referred, worked, closed, sustained, audited and claimed."""
    referral = journey.refer(household=HOUSEHOLD)
    journey.close_approved(referral)
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    journey.audit(referral["family_ref"], 1)
    for ref in journey.window(window["id"])["sample"]["picks"]:
        journey.audit(ref, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    return referral


def family(ref: str) -> Family:
    found = db.session.scalar(select(Family).where(Family.ref == ref))
    assert found is not None
    return found


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [str(value)]


def test_the_export_holds_the_persons_data_and_not_their_households(journey: Journey) -> None:
    referral = claimed_family(journey)
    sam, alex, morgan = referral["people"]
    now = get_engine().clock.now()
    export = subject_access_export(db.session, [alex["person_id"]], now=now, made_by="admin")

    about = export["about"]
    assert about["title"] == "Subject access export"
    assert about["person"] == {"given_name": "Alex", "family_name": "Smith", "date_of_birth": "2012-09-01",
                               "person_ids": [alex["person_id"]]}
    assert about["made_at"]["utc"] == now.isoformat() and about["made_at"]["london"].endswith(("+00:00", "+01:00"))
    assert about["made_by"] == "admin" and about["redaction_review"]
    assert [p["person_id"] for p in export["person_records"]] == [alex["person_id"]]
    [ref_row] = export["referrals"]
    assert ref_row["ref"] == referral["referral_ref"]
    assert [p["given_name"] for p in ref_row["this_person"]] == ["Alex"]
    assert (ref_row["other_household_members_omitted"], ref_row["note"]) == (2, "2 other household members omitted")
    assert ref_row["this_person_as_submitted"] == [{**ALEX, "person_id": alex["person_id"]}]
    assert ref_row["address"] == REFERRAL["address"]
    assert export["indicators"] == [{"family_ref": referral["family_ref"], "person_id": alex["person_id"],
                                     "indicator": 7}]
    assert [(o["person_id"], o["indicator"], o["status"]) for o in export["outcomes"]] == [
        (alex["person_id"], 7, "sustained")]
    [claim] = export["claims"]
    assert claim["resting_on_outcomes"] == [export["outcomes"][0]["id"]] and claim["state"] == "submitted"
    tasks = {t["bpmn_id"]: t for t in export["task_completions"]}
    assert tasks["triage_referral"]["about_this_person"] == {
        "indicators": [{"person_id": alex["person_id"], "indicator": 7, "evidence": "seen"}]}
    assert {"match", "route"} <= set(tasks["triage_referral"]["family_level_fields_withheld"])
    assert tasks["write_closure"]["about_this_person"]["outcomes"][0]["person_id"] == alex["person_id"]
    assert "summary" in tasks["write_closure"]["family_level_fields_withheld"]
    assert "allocate" not in tasks  # it mentions nobody: not in the file
    assert export["access_log"][referral["family_ref"]]["entries"]  # the journey's reads of the family

    text = json.dumps(export)
    for value in (sam["person_id"], morgan["person_id"], *OTHERS):
        assert value not in strings(export), value
    assert "Morgan" not in text and "1985-06-01" not in text and "2015-02-03" not in text


def test_the_mother_gets_her_own_rows_and_the_reasons_flagged_for_review(journey: Journey) -> None:
    referral = journey.refer(household=HOUSEHOLD)
    journey.triage(referral["family_ref"], referral["people"])
    sam = referral["people"][0]
    export = subject_access_export(db.session, [sam["person_id"]], now=get_engine().clock.now(), made_by="admin")
    # The reasons name Alex: included as the referrer wrote them, and listed for redaction review.
    assert export["referrals"][0]["reasons"] == REFERRAL["reasons"]
    assert any(line.startswith("referrals[].reasons") for line in export["about"]["redaction_review"])
    assert [i["indicator"] for i in export["indicators"]] == [22]
    assert export["outcomes"] == [] and export["claims"] == []
    assert "2012-09-01" not in json.dumps(export) and "Morgan" not in json.dumps(export)


def test_records_of_one_person_in_two_referrals_export_together(journey: Journey) -> None:
    first, second = journey.refer(household=HOUSEHOLD), journey.refer(household=HOUSEHOLD[1:2])
    found = find_people(db.session, "Smith", "2012-09-01", "Alex")
    assert [(p.person_id, ref) for p, ref in found] == [
        (first["people"][1]["person_id"], first["family_ref"]), (second["people"][0]["person_id"],
                                                                 second["family_ref"])]
    assert find_people(db.session, "Smith", "2012-09-02") == []
    ids = [p.person_id or "" for p, _ in found]
    export = subject_access_export(db.session, ids, now=get_engine().clock.now(), made_by="admin")
    assert [r["note"] for r in export["referrals"]] == ["2 other household members omitted",
                                                        "0 other household members omitted"]
    assert sorted(export["access_log"]) == sorted([first["family_ref"], second["family_ref"]])


@pytest.mark.parametrize(("picked", "message"), [
    ([], "Select the person whose records you want to export"),
    (["P-9999999"], "No person found with ID P-9999999"),
    (["mother", "son"], "Select the records of one person only: the names or dates of birth differ"),
])
def test_bad_choices_are_refused_with_the_message_shown(journey: Journey, picked: list[str],
                                                        message: str) -> None:
    referral = journey.refer(household=HOUSEHOLD)
    ids = {"mother": referral["people"][0]["person_id"], "son": referral["people"][1]["person_id"]}
    with pytest.raises(SubjectAccessError) as refused:
        chosen_records(db.session, [ids.get(p, p) for p in picked])
    assert str(refused.value) == message


def test_the_family_access_log_pages_newest_first_and_holds_only_that_family(journey: Journey) -> None:
    mine, theirs = journey.refer(household=HOUSEHOLD), journey.refer()
    journey.task(mine["family_ref"], "triage_referral", "ehu1")  # a task list: not about one family
    task = journey.task(mine["family_ref"], "triage_referral", "ehu1")
    db.session.query(AccessLog).delete()
    at = datetime(2027, 3, 1, 9, tzinfo=UTC)

    def entry(resource_type: str, resource_id: str) -> None:
        db.session.add(AccessLog(at=at, username="cm9", method="GET", route="/x", resource_type=resource_type,
                                 resource_id=resource_id, status_code=404, admin_read=False))

    for _ in range(5):
        entry("family", mine["family_ref"])
        entry("task", task["id"])
        entry("person", mine["people"][2]["person_id"])
        entry("family", theirs["family_ref"])
        entry("person", theirs["people"][0]["person_id"])
    db.session.commit()
    rows, older = family_access_log(db.session, family(mine["family_ref"]), limit=10)
    rest, last = family_access_log(db.session, family(mine["family_ref"]), before=older, limit=10)
    assert len(rows) == 10 and len(rest) == 5 and last is None and older == rows[-1].id
    ids = [r.id for r in rows + rest]
    assert ids == sorted(ids, reverse=True)
    assert {(r.resource_type, r.resource_id) for r in rows + rest} == {
        ("family", mine["family_ref"]), ("task", task["id"]), ("person", mine["people"][2]["person_id"])}


def test_a_household_is_found_by_reference_and_an_unknown_one_is_none(journey: Journey) -> None:
    referral = journey.refer(household=HOUSEHOLD)
    people = household(db.session, referral["family_ref"])
    assert people is not None and [p.given_name for p in people] == ["Sam", "Alex", "Morgan"]
    assert household(db.session, "F-2099-999999") is None


def test_reads_under_a_re_referrals_provisional_reference_are_in_the_known_familys_log(
        journey: Journey) -> None:
    known = journey.refer(household=HOUSEHOLD)
    journey.triage(known["family_ref"], known["people"])
    again = journey.refer(household=HOUSEHOLD[1:2])
    assert journey.api.get(f"/api/v1/families/{again['family_ref']}", as_="cm2").status_code == 404
    journey.triage(again["family_ref"], [again["people"][0]] * 2, match=known["family_ref"])
    rows, _ = family_access_log(db.session, family(known["family_ref"]))
    assert ("cm2", "family", again["family_ref"], 404) in [
        (r.username, r.resource_type, r.resource_id, r.status_code) for r in rows]
    assert family(again["family_ref"]).merged_into == known["family_ref"]
