"""The write side called directly: each service with a session and an actor, no request.

The happy path changes the row; each refusal raises its domain error with its context and writes
nothing: the row is re-read after the transaction is rolled back, and nothing was left pending.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from engine.access import Actor
from engine.models import Base, Group, GroupMember, Team, User
from tests.fixtures.lifecycle import REFERRAL, Journey
from web.extensions import db
from web.wiring import get_engine
from workflows.errors import Conflict, Invalid, NotAllowed, NotFound
from workflows.models import Claim, ClaimWindow, CouncilSetting, Family, IdempotentRequest, Referral, TeamSetting
from workflows.services import claims, intake, settings, teams, users
from workflows.services.claim_windows import open_claim_window

TF_TEAM = Actor("tf1", frozenset({"tf_team"}))
AUDITOR = Actor("pm1", frozenset({"tf_project_manager"}))
OUTSIDER = Actor("cm1", frozenset({"case_manager"}))
ADMIN = Actor("root", frozenset({"admin"}))
NOW = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
M = TypeVar("M", bound=Base)


def committed(model: type[M], key: Any) -> M | None:
    """The row as the database holds it: nothing pending in the session, then a fresh read."""
    session = db.session()
    assert not session.dirty and not session.new and not session.deleted
    session.rollback()
    session.expire_all()
    return session.get(model, key)


def count(model: type[Base]) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


# -- claims ------------------------------------------------------------------------------------------


@pytest.fixture
def claim_id(journey: Journey) -> int:
    """A submitted claim of one referred family in one window."""
    family_ref = journey.refer()["family_ref"]
    window = journey.claim_window("Window 1", "2028-01-01T00:00:00+00:00", "2028-01-20T00:00:00+00:00")
    family = db.session.scalars(select(Family).where(Family.ref == family_ref)).one()
    row = Claim(family_id=family.id, window_id=window["id"], claim_type="sustained_progress", state="submitted",
                batched_at=NOW)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_the_tf_team_marks_a_submitted_claim_paid(claim_id: int) -> None:
    claims.mark_paid(db.session(), TF_TEAM, claim_id, now=NOW)
    row = committed(Claim, claim_id)
    assert row is not None and (row.state, row.paid_at) == ("paid", NOW)


@pytest.mark.parametrize(("actor", "refusal", "message"), [
    (OUTSIDER, NotFound, "not found"),
    (AUDITOR, NotAllowed, "only the TF team records payments and invalid claims"),
])
def test_only_the_tf_team_marks_a_claim_paid(claim_id: int, actor: Actor, refusal: type[Exception],
                                             message: str) -> None:
    with pytest.raises(refusal, match=message):
        claims.mark_paid(db.session(), actor, claim_id, now=NOW)
    row = committed(Claim, claim_id)
    assert row is not None and (row.state, row.paid_at) == ("submitted", None)


def test_an_unknown_claim_is_not_found(claim_id: int) -> None:
    with pytest.raises(NotFound) as refused:
        claims.mark_paid(db.session(), TF_TEAM, claim_id + 1000, now=NOW)
    assert refused.value.message == f"claim {claim_id + 1000} not found"
    assert refused.value.code == "not_found"


def test_a_paid_claim_cannot_be_paid_again(claim_id: int) -> None:
    claims.mark_paid(db.session(), TF_TEAM, claim_id, now=NOW)
    later = datetime(2027, 4, 1, tzinfo=UTC)
    with pytest.raises(Conflict) as refused:
        claims.mark_paid(db.session(), TF_TEAM, claim_id, now=later)
    assert (refused.value.code, refused.value.details) == ("claim_state", {"state": "paid"})
    assert refused.value.message == "a paid claim cannot be marked paid"
    row = committed(Claim, claim_id)
    assert row is not None and row.paid_at == NOW


def test_the_tf_team_invalidates_a_claim_with_a_trimmed_reason(claim_id: int) -> None:
    claims.invalidate(db.session(), TF_TEAM, claim_id, {"reason": "  Evidence did not match.  "}, now=NOW)
    row = committed(Claim, claim_id)
    assert row is not None
    assert (row.state, row.invalidated_at, row.invalid_reason) == ("invalidated", NOW, "Evidence did not match.")


@pytest.mark.parametrize(("payload", "details"), [
    ({"reason": "   "}, {"reason": [claims.REASON_REQUIRED]}),
    ({}, {"reason": [claims.REASON_REQUIRED]}),
    ({"reason": "x" * 2001}, {"reason": [claims.REASON_TOO_LONG]}),
    ({"reason": "Fine", "extra": 1}, {"extra": ["Unknown field."]}),
])
def test_an_invalidation_without_a_good_reason_is_invalid(claim_id: int, payload: dict[str, Any],
                                                          details: dict[str, list[str]]) -> None:
    with pytest.raises(Invalid) as refused:
        claims.invalidate(db.session(), TF_TEAM, claim_id, payload, now=NOW)
    assert (refused.value.code, refused.value.message) == ("validation_failed", "the request has errors")
    assert refused.value.details == details
    row = committed(Claim, claim_id)
    assert row is not None and (row.state, row.invalid_reason) == ("submitted", None)


def test_only_a_submitted_or_paid_claim_can_be_invalidated(claim_id: int) -> None:
    db.session.get(Claim, claim_id).state = "batched"  # type: ignore[union-attr]
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        claims.invalidate(db.session(), TF_TEAM, claim_id, {"reason": "Wrong family"}, now=NOW)
    assert (refused.value.code, refused.value.details) == ("claim_state", {"state": "batched"})
    row = committed(Claim, claim_id)
    assert row is not None and (row.state, row.invalid_reason) == ("batched", None)


def test_the_auditors_may_not_invalidate(claim_id: int) -> None:
    with pytest.raises(NotAllowed):
        claims.invalidate(db.session(), AUDITOR, claim_id, {"reason": "Wrong family"}, now=NOW)
    row = committed(Claim, claim_id)
    assert row is not None and row.state == "submitted"


# -- settings, teams, claim windows ------------------------------------------------------------------


def test_an_admin_changes_a_council_setting(journey: Journey) -> None:
    answer = settings.save_council_settings(db.session(), ADMIN, {"triage_working_days": 3})
    assert answer == {**settings.DEFAULTS, "triage_working_days": 3}
    assert settings.DEFAULTS["triage_working_days"] != 3
    row = committed(CouncilSetting, "triage_working_days")
    assert row is not None and row.value == 3


def test_only_an_admin_changes_a_council_setting(journey: Journey) -> None:
    with pytest.raises(NotAllowed, match="only administrators change settings"):
        settings.save_council_settings(db.session(), TF_TEAM, {"earned_autonomy": True})
    assert committed(CouncilSetting, "earned_autonomy") is None


def test_an_admin_saves_a_team_and_its_settings(journey: Journey) -> None:
    wanted = teams.TeamSettings(name="Bassetlaw PFT", district="bassetlaw", kind="parenting_family_team",
                                review_every_months=4)
    teams.save_team_settings(db.session(), ADMIN, "bassetlaw-pft", wanted)
    row = committed(TeamSetting, "bassetlaw-pft")
    assert row is not None and (row.district, row.kind, row.review_every_months) == (
        "bassetlaw", "parenting_family_team", 4)
    team = db.session.get(Team, "bassetlaw-pft")
    assert team is not None and team.name == "Bassetlaw PFT"


def test_only_an_admin_saves_team_settings(journey: Journey) -> None:
    wanted = teams.TeamSettings(name="x", district="bassetlaw", kind="case_management", review_every_months=3)
    with pytest.raises(NotAllowed):
        teams.save_team_settings(db.session(), OUTSIDER, "new-team", wanted)
    assert committed(Team, "new-team") is None and committed(TeamSetting, "new-team") is None


def test_a_team_id_must_be_an_identifier(journey: Journey) -> None:
    with pytest.raises(Invalid) as refused:
        teams.save_team(db.session(), ADMIN, "Not An Id", "Name")
    assert refused.value.details == {"team_id": [teams.TEAM_FORMAT]}
    assert committed(Team, "Not An Id") is None
    teams.save_team(db.session(), ADMIN, "gedling-ehcm", "Gedling")
    team = committed(Team, "gedling-ehcm")
    assert team is not None and team.name == "Gedling"


def test_a_claim_window_name_is_used_once(journey: Journey) -> None:
    cutoff, closes = datetime(2028, 1, 1, tzinfo=UTC), datetime(2028, 1, 20, tzinfo=UTC)
    row = open_claim_window(db.session(), get_engine(), ADMIN, "January", cutoff, closes)
    assert (row.name, row.status) == ("January", "scheduled")
    with pytest.raises(Conflict) as refused:
        open_claim_window(db.session(), get_engine(), ADMIN, "January", cutoff, closes)
    assert refused.value.code == "duplicate_window"
    with pytest.raises(NotAllowed):
        open_claim_window(db.session(), get_engine(), TF_TEAM, "February", cutoff, closes)
    assert count(ClaimWindow) == 1


# -- users and groups --------------------------------------------------------------------------------


def _details(**changes: Any) -> users.UserDetails:
    values: dict[str, Any] = {"display_name": "Alex Reed", "email": "alex@example.org", "active": True,
                              "groups": frozenset({"case_manager"}), "teams": frozenset()}
    return users.UserDetails(**(values | changes))


def _groups(user_id: int) -> set[str]:
    return set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user_id)))


def test_an_admin_adds_a_user_then_changes_their_groups(journey: Journey) -> None:
    user = users.save_user(db.session(), ADMIN, None, "alex", _details(), now=NOW)
    saved = committed(User, user.id)
    assert saved is not None and (saved.username, saved.display_name, saved.email) == (
        "alex", "Alex Reed", "alex@example.org")
    assert _groups(user.id) == {"case_manager"}
    seen: list[str] = []
    users.save_user(db.session(), ADMIN, user.id, "ignored", _details(groups=frozenset({"team_manager"}), active=False),
                    now=NOW, also=lambda _session, u: seen.append(u.username))
    saved = committed(User, user.id)
    assert saved is not None and (saved.username, saved.active) == ("alex", False)
    assert _groups(user.id) == {"team_manager"} and seen == ["alex"]


@pytest.mark.parametrize(("username", "display_name", "details"), [
    ("Alex!", "Alex Reed", {"username": [users.USERNAME_FORMAT]}),
    ("partner", "Alex Reed", {"username": [users.USERNAME_TAKEN]}),
    ("alex", "", {"display_name": [users.NAME_REQUIRED]}),
])
def test_a_new_user_with_problems_is_invalid(journey: Journey, username: str, display_name: str,
                                             details: dict[str, list[str]]) -> None:
    before = count(User)
    with pytest.raises(Invalid) as refused:
        users.save_user(db.session(), ADMIN, None, username, _details(display_name=display_name), now=NOW)
    assert refused.value.details == details
    assert count(User) == before


def test_users_are_changed_only_by_an_admin_and_only_when_they_exist(journey: Journey) -> None:
    partner = db.session.scalars(select(User).where(User.username == "partner")).one()
    with pytest.raises(NotAllowed):
        users.save_user(db.session(), TF_TEAM, partner.id, "partner", _details(), now=NOW)
    with pytest.raises(NotFound):
        users.save_user(db.session(), ADMIN, partner.id + 1000, "x", _details(), now=NOW)
    saved = committed(User, partner.id)
    assert saved is not None and saved.display_name == "partner" and _groups(partner.id) == {"referrer"}


def test_an_admin_relabels_and_adds_groups(journey: Journey) -> None:
    users.save_groups(db.session(), ADMIN, {"case_manager": "  Case managers  "}, "youth_justice", "Youth Justice")
    labels = {group_id: label for group_id, label in db.session.execute(select(Group.id, Group.label))}
    assert labels["case_manager"] == "Case managers" and labels["youth_justice"] == "Youth Justice"
    with pytest.raises(Invalid) as refused:
        users.save_groups(db.session(), ADMIN, {"case_manager": "Changed"}, "Bad Id")
    assert refused.value.details == {"new_id": [users.GROUP_FORMAT]}
    with pytest.raises(NotAllowed):
        users.save_groups(db.session(), TF_TEAM, {"case_manager": "Changed"})
    group = committed(Group, "case_manager")
    assert group is not None and group.label == "Case managers"


# -- the referral intake -----------------------------------------------------------------------------


PARTNER = Actor("partner", frozenset({"referrer"}))


def test_a_referral_is_registered_and_its_key_answers_again(journey: Journey) -> None:
    body = intake.submit(db.session(), get_engine(), PARTNER, copy.deepcopy(REFERRAL), "key-1")
    again = intake.submit(db.session(), get_engine(), PARTNER, copy.deepcopy(REFERRAL), "key-1")
    assert again == body and body["referral_ref"].startswith("R-")
    assert count(Referral) == 1
    referral = db.session.scalars(select(Referral)).one()
    assert intake.own_referral(db.session(), PARTNER, body["referral_ref"]) == (referral, False)


def test_only_the_submitting_groups_refer(journey: Journey) -> None:
    with pytest.raises(NotAllowed, match="you may not submit referrals"):
        intake.submit(db.session(), get_engine(), TF_TEAM, copy.deepcopy(REFERRAL))
    assert count(Referral) == 0 and count(Family) == 0


def test_an_invalid_referral_names_its_fields_and_writes_nothing(journey: Journey) -> None:
    payload = copy.deepcopy(REFERRAL)
    del payload["household"]
    with pytest.raises(Invalid) as refused:
        intake.submit(db.session(), get_engine(), PARTNER, payload, "key-2")
    assert refused.value.code == "validation_failed" and "household" in refused.value.details
    assert count(Referral) == 0 and count(IdempotentRequest) == 0


def test_a_key_reused_with_another_body_is_refused(journey: Journey) -> None:
    intake.submit(db.session(), get_engine(), PARTNER, copy.deepcopy(REFERRAL), "key-3")
    changed = copy.deepcopy(REFERRAL) | {"reasons": "Something else entirely."}
    with pytest.raises(Invalid) as refused:
        intake.submit(db.session(), get_engine(), PARTNER, changed, "key-3")
    assert refused.value.code == "idempotency_key_reused"
    assert refused.value.details == {"Idempotency-Key": ["Used before with a different request body."]}
    assert count(Referral) == 1


def test_a_key_still_in_progress_is_a_conflict(journey: Journey) -> None:
    db.session.add(IdempotentRequest(username="partner", key="key-4", body_sha256=intake.digest(REFERRAL),
                                     created_at=NOW))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        intake.submit(db.session(), get_engine(), PARTNER, copy.deepcopy(REFERRAL), "key-4")
    assert refused.value.code == "request_in_progress"
    assert count(Referral) == 0
