"""The dashboard's counts: families made through the real lifecycle (the REST API), claims in the domain
tables, each count checked against the seeding and against an independent count over the raw rows."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from engine.models import HumanTask
from tests.fixtures.dashboard import ASHFIELD, NEWARK, independent_stages, seed
from tests.fixtures.lifecycle import TEAM, Journey
from web.extensions import db
from web.wiring import get_engine
from workflows.models import Claim, Family, TfRegister
from workflows.read import dashboard as q


def test_families_by_stage_and_district(journey: Journey) -> None:
    seed(journey)
    counts = {(r.stage, r.district): r.families for r in q.families_by_stage(db.session)}
    assert counts == dict(independent_stages())
    assert counts == {("closed", NEWARK): 1, ("triage", NEWARK): 1, ("case_management", NEWARK): 1,
                      ("case_management", "ashfield"): 1, ("parenting_family_team", "ashfield"): 1,
                      ("signposted", "gedling"): 1, ("closed", "gedling"): 1}
    ashfield = {(r.stage, r.district): r.families for r in q.families_by_stage(db.session, "ashfield")}
    assert ashfield == {("case_management", "ashfield"): 1, ("parenting_family_team", "ashfield"): 1}
    assert q.families_by_stage(db.session, "rushcliffe") == []


def test_a_merged_referral_is_not_a_second_family(journey: Journey) -> None:
    known = journey.refer()
    journey.triage(known["family_ref"], known["people"])
    again = journey.refer()
    journey.triage(again["family_ref"], again["people"], match=known["family_ref"])
    assert db.session.scalar(select(Family.status).where(Family.ref == again["family_ref"])) == "merged"
    assert [(r.stage, r.families) for r in q.families_by_stage(db.session)] == [("case_management", 1)]


def test_a_re_referral_that_adds_a_headline_issue_is_counted_under_it(journey: Journey) -> None:
    known = journey.refer()
    journey.triage(known["family_ref"], known["people"], indicators=(22, 7))  # domestic abuse, education
    assert q.identified_by_headline(db.session) == {0: 1, 2: 1, 5: 1}
    again = journey.refer()
    journey.triage(again["family_ref"], again["people"], match=known["family_ref"], indicators=(16,))  # work
    assert q.identified_by_headline(db.session) == {0: 1, 2: 1, 4: 1, 5: 1}
    assert q.identified_by_headline(db.session, "newark_and_sherwood") == {0: 1, 2: 1, 4: 1, 5: 1}


def test_overdue_reviews_by_team_before_and_after_the_sweep(journey: Journey) -> None:
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


def test_identified_families_by_headline_issue(journey: Journey) -> None:
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


def test_claims_by_window_and_state(journey: Journey) -> None:
    ids = seed(journey)["windows"]
    rows = {(r.window_id, r.state): r.claims for r in q.claims_by_window(db.session)}
    independent = Counter((c.window_id, c.state) for c in db.session.scalars(select(Claim)))
    assert {k: v for k, v in rows.items() if k[1] is not None} == dict(independent)
    assert rows == {(ids[0], "paid"): 1, (ids[0], "submitted"): 1, (ids[0], "batched"): 1,
                    (ids[1], "invalidated"): 1, (ids[1], "paid"): 1, (ids[2], None): 0}
    assert [r.window for r in q.claims_by_window(db.session)][-1] == "Window 3"  # in date order
    ashfield = {(r.window_id, r.state): r.claims for r in q.claims_by_window(db.session, "ashfield")}
    assert ashfield == {(ids[0], None): 0, (ids[1], "invalidated"): 1, (ids[1], "paid"): 1, (ids[2], None): 0}


def test_only_the_latest_windows_are_counted(journey: Journey) -> None:
    for n in range(q.WINDOWS_SHOWN + 2):
        journey.claim_window(f"W{n:02d}", f"2028-01-{n + 1:02d}T00:00:00+00:00", f"2028-02-{n + 1:02d}T00:00:00+00:00")
    names = [r.window for r in q.claims_by_window(db.session)]
    assert names == [f"W{n:02d}" for n in range(2, q.WINDOWS_SHOWN + 2)]


def test_an_empty_council_counts_nothing(journey: Journey) -> None:
    now = get_engine().clock.now()
    assert q.families_by_stage(db.session) == []
    assert q.reviews_by_team(db.session, now) == []
    assert q.identified_by_headline(db.session) == {0: 0}
    assert q.claims_by_window(db.session) == []
