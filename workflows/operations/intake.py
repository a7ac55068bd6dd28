"""Operations of the referral and triage steps: register the referral, decide the match, identify.

Each is ``op(ctx, params) -> JSON-able``, run inside the engine step that calls it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.steps import StepContext
from workflows.models import Family, Person, Referral, TeamSetting
from workflows.operations.common import earned_autonomy, family_by_ref, make_ref, param, setting
from workflows.operations.identification import merge_indicators, register
from workflows.rules import eligibility


def register_referral(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """A provisional family, the referral and its people, each with a reference; possible matches listed.

    The family reference is provisional: triage may match the household to a known family instead.
    """
    referral = dict(param(params, "referral"))
    session = ctx.session
    postcode = referral.get("address", {}).get("postcode")
    family = Family(status="provisional", district=referral["district"], postcode=postcode, created_at=ctx.now)
    session.add(family)
    session.flush()
    family.ref = make_ref("F", ctx.now, family.id)
    row = Referral(
        family_id=family.id, instance_id=ctx.instance.id,
        received_at=datetime.fromisoformat(referral["received_at"]), submitted_by=referral.get("submitted_by", ""),
        referrer=referral.get("referrer", {}), reasons=referral.get("reasons", ""),
    )
    session.add(row)
    session.flush()
    row.ref = make_ref("R", ctx.now, row.id)
    household = []
    for member in referral["household"]:
        person = Person(
            family_id=family.id, referral_id=row.id, given_name=member["given_name"],
            family_name=member["family_name"], date_of_birth=member["date_of_birth"],
            relationship=member["relationship"], role=member["role"],
        )
        session.add(person)
        session.flush()
        person.person_id = f"P-{person.id:07d}"
        household.append({**member, "person_id": person.person_id})
    referral.update(household=household, referral_ref=row.ref, received_on=referral["received_at"][:10])
    return {"referral": referral, "family_ref": family.ref,
            "possible_matches": possible_matches(ctx, family, household),
            # Front doors decide within 1 working day by default; a council may set another target.
            "triage_working_days": int(setting(session, "triage_working_days", 1))}


def possible_matches(ctx: StepContext, family: Family, household: list[dict[str, Any]]) -> list[str]:
    """Known families with a member of the same name and date of birth at the same postcode.

    Only suggestions: docs/sources/DOMAIN.md makes the match a decision for the Early Help Unit, never automatic.
    """
    found: set[str] = set()
    for member in household:
        rows = ctx.session.execute(
            select(Family.ref).join(Person, Person.family_id == Family.id).where(
                Person.given_name == member["given_name"], Person.family_name == member["family_name"],
                Person.date_of_birth == member["date_of_birth"], Family.postcode == family.postcode,
                Family.id != family.id, Family.status.in_(("open", "closed")),
            )
        )
        found.update(ref for (ref,) in rows if ref)
    return sorted(found)


def record_triage(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """Apply the triage decision: the match (people and referral move to the known family), the
    indicators and their eligibility, the route and the team for the district."""
    session = ctx.session
    provisional = family_by_ref(session, param(params, "family_ref"))
    triage = param(params, "triage")
    family = provisional
    match = triage["match"]
    if match != "new":
        known = session.scalar(select(Family).where(Family.ref == match, Family.status.in_(("open", "closed"))))
        if known is None or known.id == provisional.id:
            # Back to triage: the reference must name a known family (the form cannot check the database).
            return {"ok": False, "problem": f"{match} is not a known family"}
        for person in session.scalars(select(Person).where(Person.family_id == provisional.id)):
            person.family_id = known.id
        for referral in session.scalars(select(Referral).where(Referral.family_id == provisional.id)):
            referral.family_id = known.id
        provisional.status, provisional.merged_into = "merged", known.ref
        family = known
    status_before = family.status
    indicators = [{"person_id": i["person_id"], "indicator": i["indicator"]} for i in triage.get("indicators", [])]
    if match != "new":
        indicators = merge_indicators(family.indicators, indicators)
    judged = eligibility(indicators, family.framework)
    family.indicators, family.headline_issues = indicators, judged["headline_issues"]
    family.eligible = judged["eligible"]
    if status_before != "open":
        # A family still open keeps the route of the journey it is on: a re-referral matched to it
        # adds what it tells (indicators, the break of its windows), and its own route never closes it.
        family.route = triage["route"]
    family.status = "open"
    family.team_id = family.team_id or _team_for(session, family.district)
    return {"ok": True, "family_ref": family.ref, "matched": match != "new", "status_before": status_before,
            "eligible": judged["eligible"],
            "headline_issues": judged["headline_issues"], "team": family.team_id, "route": family.route,
            "earned_autonomy": earned_autonomy(session)}


def _team_for(session: Any, district: str) -> str | None:
    return session.scalar(
        select(TeamSetting.team_id).where(TeamSetting.district == district, TeamSetting.kind == "case_management")
        .order_by(TeamSetting.team_id).limit(1)
    )


def add_to_tf_register(ctx: StepContext, params: dict[str, Any]) -> dict[str, Any]:
    """On the register once; ``added`` says it is new, so the journey alerts the TF team only then."""
    family = family_by_ref(ctx.session, param(params, "family_ref"))
    added = register(ctx, family, ctx.now)
    if added:
        ctx.record("tf_team_alerted", data={"family_ref": family.ref, "headline_issues": family.headline_issues})
    return {"family_ref": family.ref, "on_register": True, "added": added, "headline_issues": family.headline_issues}
