"""The administrators' and the TF team's query functions called directly, with a session and no request:
workflows/read/people.py, teams.py, definitions.py and claim_windows.py."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from engine.identity import create_user
from engine.models import Instance, InstanceWait
from tests.fixtures.lifecycle import Journey
from web.extensions import db
from workflows.models import Claim, Family, TeamSetting
from workflows.read import claim_windows, definitions, people, teams

NOW = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)


def _people() -> None:
    session = db.session()
    create_user(session, "zz-read-a", groups=["zz_group_b", "zz_group_a"], teams=["zz-team"], now=NOW,
                display_name="Read A")
    create_user(session, "zz-read-b", groups=[], teams=["zz-team"], now=NOW, display_name="Read B")
    session.commit()


def test_users_groups_and_teams_with_their_memberships(ctx: Flask) -> None:
    _people()
    session = db.session()
    listed = people.users_with_memberships(session, limit=500)
    by_name = {u.username: u for u in listed.users}
    assert [u.username for u in listed.users] == sorted(by_name)
    a, b = by_name["zz-read-a"], by_name["zz-read-b"]
    assert len(listed.groups[a.id]) == 2 and listed.groups[a.id] == sorted(listed.groups[a.id])
    assert b.id not in listed.groups
    assert listed.teams[a.id] == listed.teams[b.id] == ["zz-team"]
    assert people.group_ids(session, a.id) == {"zz_group_a", "zz_group_b"}
    assert people.team_ids(session, b.id) == {"zz-team"}
    assert ("zz-team", "zz-team") in people.team_choices(session, limit=500)
    assert {group_id for group_id, _ in people.group_choices(session)} >= {"zz_group_a", "zz_group_b"}
    counts = {group.id: n for group, n in people.groups_with_member_counts(session)}
    assert (counts["zz_group_a"], counts["zz_group_b"]) == (1, 1)
    listed_teams, members = people.teams_with_members(session, limit=500)
    assert "zz-team" in {t.id for t in listed_teams}
    assert [u.display_name for u in members["zz-team"]] == ["Read A", "Read B"]


def test_a_teams_members_with_their_groups_and_its_settings(ctx: Flask) -> None:
    _people()
    session = db.session()
    members = teams.member_groups(session, "zz-team")
    assert (sorted(members), sorted(members["zz-read-a"]), members["zz-read-b"]) == (
        ["zz-read-a", "zz-read-b"], ["zz_group_a", "zz_group_b"], [])
    with_settings = {team.id: settings for team, settings in teams.teams_with_settings(session, limit=500)}
    assert with_settings["zz-team"] is None
    session.add(TeamSetting(team_id="zz-team", district="north", kind="case_management", review_every_months=3))
    session.commit()
    with_settings = {team.id: settings for team, settings in teams.teams_with_settings(session, limit=500)}
    assert with_settings["zz-team"] is not None and with_settings["zz-team"].review_every_months == 3


def test_the_deployed_definitions_newest_version_first(journey: Journey) -> None:
    processes = definitions.deployed_processes(db.session(), limit=500)
    assert "claim_window" in {p.process_id for p in processes}  # the journey deploys the lifecycle
    assert [p.process_id for p in processes] == sorted(p.process_id for p in processes)
    for process in processes:
        numbers = [v.number for v in process.versions]
        assert numbers == sorted(numbers, reverse=True) and process.current == numbers[0]


def test_live_instances_count_each_waiting_instance_once_per_version_and_no_incident(journey: Journey) -> None:
    journey.refer()
    journey.refer()
    session = db.session()
    first, second = session.scalars(select(Instance.id).where(Instance.process_id == "family_referral")
                                    .order_by(Instance.id)).all()[-2:]
    before = definitions.live_instances(session, "family_referral")
    assert sum(before.values()) >= 2  # both referrals wait in their own process now

    def wait(instance_id: int, element_id: str, kind: str, version: int) -> InstanceWait:
        return InstanceWait(instance_id=instance_id, process_id="zz_counted", element_id=element_id, kind=kind,
                            version=version, since=NOW)

    session.add_all([
        wait(first, "review", "user_task", 2), wait(first, "reminder", "timer", 2),  # two waits: one instance
        wait(first, "review", "incident", 2),  # an incident is not a wait of its own
        wait(second, "assess", "incident", 1),  # only an incident: not waiting on version 1
        wait(second, "plan", "user_task", 3),
    ])
    session.flush()
    assert definitions.live_instances(session, "zz_counted") == {2: 1, 3: 1}
    assert definitions.live_instances(session, "family_referral") == before  # another process's rows


def test_claim_windows_their_batch_and_counts(journey: Journey) -> None:
    family_ref = journey.refer()["family_ref"]
    first = journey.claim_window("Window 1", "2028-01-01T00:00:00+00:00", "2028-01-20T00:00:00+00:00")
    second = journey.claim_window("Window 2", "2028-02-01T00:00:00+00:00", "2028-02-20T00:00:00+00:00")
    session = db.session()
    family = session.scalars(select(Family).where(Family.ref == family_ref)).one()
    session.add(Claim(family_id=family.id, window_id=first["id"], claim_type="sustained_progress",
                      state="submitted", batched_at=NOW))
    session.commit()
    assert [w.id for w in claim_windows.windows(session, limit=10, newest_first=True)] == [second["id"], first["id"]]
    assert [w.id for w in claim_windows.windows(session, limit=1, newest_first=False)] == [first["id"]]
    window = claim_windows.claim_window(session, first["id"])
    assert window is not None and window.name == "Window 1"
    assert claim_windows.claim_window(session, 999999) is None
    counts = claim_windows.window_counts(session, [first["id"], second["id"]])
    assert counts.claims == {first["id"]: 1} and counts.pool == counts.sampled == counts.failed == {}
    assert claim_windows.batch_states(session, first["id"]) == {"submitted": 1}
    assert [ref for _, ref in claim_windows.batch_with_refs(session, first["id"], limit=10)] == [family_ref]
    assert [c.family_id for c in claim_windows.batch(session, first["id"])] == [family.id]
    assert claim_windows.pool(session, first["id"]) == []
    assert claim_windows.pool_page(session, window, 1, 50) == ([], 0)
    assert claim_windows.family_ref(session, family.id) == family_ref
    assert claim_windows.family_districts(session, [family_ref, "no-such-ref"]) == {family_ref: family.district}
