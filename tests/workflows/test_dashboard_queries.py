"""The dashboard's counts: families made through the real lifecycle (the REST API), claims in the domain
tables, each count checked against the seeding and against an independent count over the raw rows."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.identity import ensure_team
from engine.models import HumanTask
from tests.lifecycle.conftest import TEAM, Journey, journey  # noqa: F401  (the council and the lifecycle)
from web.extensions import db
from web.wiring import get_engine
from workflows.models import Claim, Family, TeamSetting, TfRegister
from workflows.read import dashboard as q

ASHFIELD = "ashfield-ehcm"
NEWARK = "newark_and_sherwood"


def seed(journey: Journey) -> dict[str, Any]:  # noqa: F811
    """Seven families at six stages in three districts, two teams with open reviews, three claim windows.

    Returns the references and window ids. The clock ends just after the Newark team's review fell due
    (3-monthly), before Ashfield's (4-monthly), and before any sweep has escalated it.
    """
    ensure_team(db.session, ASHFIELD, "Ashfield Early Help Case Management")
    db.session.flush()
    db.session.add(TeamSetting(team_id=ASHFIELD, district="ashfield", review_every_months=4))
    db.session.commit()
    journey.api.user("tm2", "team_manager", teams=(ASHFIELD,))
    journey.api.user("cm3", "case_manager", teams=(ASHFIELD,))
    closed = journey.refer()
    journey.close_approved(closed)  # one month of reviews: the clock is now 1 April 2027
    waiting = journey.refer()
    worked = journey.refer()
    journey.triage(worked["family_ref"], worked["people"])
    _allocate_and_plan(journey, worked, "tm1", "cm1", TEAM)
    ashfield = journey.refer(district="ashfield")
    journey.triage(ashfield["family_ref"], ashfield["people"], indicators=(1, 16))
    _allocate_and_plan(journey, ashfield, "tm2", "cm3", ASHFIELD)
    pft = journey.refer(district="ashfield")
    journey.triage(pft["family_ref"], pft["people"], route="parenting_family_team", indicators=(7, 16))
    journey.do(pft["family_ref"], "pft_plan", "pft1", {
        "intervention": "Eight weekly parenting sessions.", "agreed_on": journey.today(), "review_date": "2027-06-01",
        "targets": [{"indicator": 7, "person_id": pft["people"][1]["person_id"], "target": "Morning routine",
                     "by_date": "2027-06-01"}]})
    signposted = journey.refer(district="gedling")
    journey.triage(signposted["family_ref"], signposted["people"], route="signpost_external",
                   signposted_to="Citizens Advice")
    nfa = journey.refer(district="gedling")
    journey.triage(nfa["family_ref"], nfa["people"], route="no_further_action", indicators=(7,))
    windows = [journey.claim_window(f"Window {n}", f"2028-0{n}-01T00:00:00+00:00", f"2028-0{n}-20T00:00:00+00:00")
               for n in (1, 2, 3)]
    claims = [(closed, 0, "paid"), (signposted, 0, "submitted"), (worked, 0, "batched"), (ashfield, 1, "invalidated"),
              (pft, 1, "paid")]
    now = get_engine().clock.now()
    for family, window, state in claims:
        row = db.session.scalars(select(Family).where(Family.ref == family["family_ref"])).one()
        db.session.add(Claim(family_id=row.id, window_id=windows[window]["id"], claim_type="sustained_progress",
                             state=state, batched_at=now))
    db.session.commit()
    journey.clock(advance="P3MT12H")  # past Newark's review (1 July, 17:00), no sweep yet
    refs = {"closed": closed, "waiting": waiting, "worked": worked, "ashfield": ashfield, "pft": pft,
            "signposted": signposted, "nfa": nfa}
    return {"refs": {k: v["family_ref"] for k, v in refs.items()}, "windows": [w["id"] for w in windows]}


def _allocate_and_plan(journey: Journey, family: dict[str, Any], tm: str, cm: str, team: str) -> None:  # noqa: F811
    ref, people = family["family_ref"], family["people"]
    journey.do(ref, "allocate", tm, {"case_manager": cm, "team": team})
    journey.do(ref, "assess", cm, {"assessed_on": journey.today(), "all_members_included": True,
                                   "summary": "Whole family assessed."})
    journey.do(ref, "plan", cm, {"agreed_on": journey.today(), "review_date": "2027-07-01", "targets": [
        {"indicator": 7, "person_id": people[1]["person_id"], "target": "Attendance over 90%",
         "by_date": "2027-07-20"}]})


def independent_stages() -> Counter[tuple[str, str]]:
    """The same question answered the slow way: every family row, read one by one."""
    counts: Counter[tuple[str, str]] = Counter()
    for family in db.session.scalars(select(Family)):
        if family.status == "merged":
            continue
        if family.status == "provisional":
            stage = "triage"
        elif family.status == "closed":
            stage = "closed"
        elif family.route in ("signpost_internal", "signpost_external"):
            stage = "signposted"
        else:
            stage = family.route or "triage"
        counts[(stage, family.district)] += 1
    return counts


def test_families_by_stage_and_district(journey: Journey) -> None:  # noqa: F811
    seed(journey)
    counts = {(r.stage, r.district): r.families for r in q.families_by_stage(db.session)}
    assert counts == dict(independent_stages())
    assert counts == {("closed", NEWARK): 1, ("triage", NEWARK): 1, ("case_management", NEWARK): 1,
                      ("case_management", "ashfield"): 1, ("parenting_family_team", "ashfield"): 1,
                      ("signposted", "gedling"): 1, ("closed", "gedling"): 1}
    ashfield = {(r.stage, r.district): r.families for r in q.families_by_stage(db.session, "ashfield")}
    assert ashfield == {("case_management", "ashfield"): 1, ("parenting_family_team", "ashfield"): 1}
    assert q.families_by_stage(db.session, "rushcliffe") == []


def test_a_merged_referral_is_not_a_second_family(journey: Journey) -> None:  # noqa: F811
    known = journey.refer()
    journey.triage(known["family_ref"], known["people"])
    again = journey.refer()
    journey.triage(again["family_ref"], again["people"], match=known["family_ref"])
    assert db.session.scalar(select(Family.status).where(Family.ref == again["family_ref"])) == "merged"
    assert [(r.stage, r.families) for r in q.families_by_stage(db.session)] == [("case_management", 1)]


def test_a_re_referral_that_adds_a_headline_issue_is_counted_under_it(journey: Journey) -> None:  # noqa: F811
    known = journey.refer()
    journey.triage(known["family_ref"], known["people"], indicators=(22, 7))  # domestic abuse, education
    assert q.identified_by_headline(db.session) == {0: 1, 2: 1, 5: 1}
    again = journey.refer()
    journey.triage(again["family_ref"], again["people"], match=known["family_ref"], indicators=(16,))  # work
    assert q.identified_by_headline(db.session) == {0: 1, 2: 1, 4: 1, 5: 1}
    assert q.identified_by_headline(db.session, "newark_and_sherwood") == {0: 1, 2: 1, 4: 1, 5: 1}


def test_overdue_reviews_by_team_before_and_after_the_sweep(journey: Journey) -> None:  # noqa: F811
    seed(journey)
    now = get_engine().clock.now()
    late = {r.team_id: (r.open, r.overdue) for r in q.reviews_by_team(db.session, now)}
    # Newark's review is past due (not yet escalated), Ashfield's is not; the PFT's has no team.
    assert late == {TEAM: (1, 1), ASHFIELD: (1, 0), None: (1, 0)}
    independent = Counter((t.team_id, t.bpmn_id == "review_escalated" or (t.due_at is not None and t.due_at < now))
                          for t in db.session.scalars(select(HumanTask).where(
                              HumanTask.state == "open", HumanTask.bpmn_id.in_(("review", "pft_review")))))
    assert {team: (independent[(team, True)] + independent[(team, False)], independent[(team, True)])
            for team in late} == late
    journey.sweep()  # the overdue timer fires: the review is escalated to Newark's managers
    escalated = db.session.scalars(select(HumanTask.bpmn_id).where(HumanTask.team_id == TEAM,
                                                                   HumanTask.state == "open")).all()
    assert "review_escalated" in escalated and "review" not in escalated
    after = {r.team_id: (r.open, r.overdue) for r in q.reviews_by_team(db.session, now)}
    assert after[TEAM] == (1, 1) and after[ASHFIELD] == (1, 0)
    names = {r.team_id: (r.team_name, r.district) for r in q.reviews_by_team(db.session, now)}
    assert names[ASHFIELD] == ("Ashfield Early Help Case Management", "ashfield")
    only = q.reviews_by_team(db.session, now, "ashfield")
    assert [(r.team_id, r.open, r.overdue) for r in only] == [(ASHFIELD, 1, 0)]
    earlier = now - timedelta(days=200)  # before any review was due: none overdue but the escalated one
    assert {r.team_id: r.overdue for r in q.reviews_by_team(db.session, earlier)} == {TEAM: 1, ASHFIELD: 0, None: 0}


def test_identified_families_by_headline_issue(journey: Journey) -> None:  # noqa: F811
    seed(journey)
    counts = q.identified_by_headline(db.session)
    independent: Counter[int] = Counter()
    registered = db.session.execute(select(Family.headline_issues).join(TfRegister, TfRegister.family_id == Family.id))
    for (issues,) in registered:
        independent[0] += 1
        independent.update(issues)
    assert counts == dict(independent)
    # DV and education (closed, worked, signposted), crime and work (Ashfield), education and work (PFT);
    # the no-further-action family had one issue and is not on the register.
    assert counts == {0: 5, 1: 1, 2: 4, 4: 2, 5: 3}
    assert q.identified_by_headline(db.session, "ashfield") == {0: 2, 1: 1, 2: 1, 4: 2}
    assert q.identified_by_headline(db.session, "rushcliffe") == {0: 0}


def test_claims_by_window_and_state(journey: Journey) -> None:  # noqa: F811
    ids = seed(journey)["windows"]
    rows = {(r.window_id, r.state): r.claims for r in q.claims_by_window(db.session)}
    independent = Counter((c.window_id, c.state) for c in db.session.scalars(select(Claim)))
    assert {k: v for k, v in rows.items() if k[1] is not None} == dict(independent)
    assert rows == {(ids[0], "paid"): 1, (ids[0], "submitted"): 1, (ids[0], "batched"): 1,
                    (ids[1], "invalidated"): 1, (ids[1], "paid"): 1, (ids[2], None): 0}
    assert [r.window for r in q.claims_by_window(db.session)][-1] == "Window 3"  # in date order
    ashfield = {(r.window_id, r.state): r.claims for r in q.claims_by_window(db.session, "ashfield")}
    assert ashfield == {(ids[0], None): 0, (ids[1], "invalidated"): 1, (ids[1], "paid"): 1, (ids[2], None): 0}


def test_only_the_latest_windows_are_counted(journey: Journey) -> None:  # noqa: F811
    for n in range(q.WINDOWS_SHOWN + 2):
        journey.claim_window(f"W{n:02d}", f"2028-01-{n + 1:02d}T00:00:00+00:00", f"2028-02-{n + 1:02d}T00:00:00+00:00")
    names = [r.window for r in q.claims_by_window(db.session)]
    assert names == [f"W{n:02d}" for n in range(2, q.WINDOWS_SHOWN + 2)]


def test_an_empty_council_counts_nothing(journey: Journey) -> None:  # noqa: F811
    now = get_engine().clock.now()
    assert q.families_by_stage(db.session) == []
    assert q.reviews_by_team(db.session, now) == []
    assert q.identified_by_headline(db.session) == {0: 0}
    assert q.claims_by_window(db.session) == []
