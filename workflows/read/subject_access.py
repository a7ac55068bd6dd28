"""A family's access history and a person's subject access export (DPA 2018 / UK GDPR art. 15).

Pure: a session in, plain data out; the web layer decides who may ask and writes the access log.

What the export leaves out, and why. Other household members are third parties: their names, dates of
birth, relationships and roles never appear, only a count ("2 other household members omitted"); rows
of a task (indicators, targets, progress, outcomes) keyed by another person's id are dropped; family
level free text of a task (summaries, next steps) is withheld and named, because it describes the
whole household. Free text that is recorded against this person (their rows' evidence), the
referral's reasons, the referrer's details and a claim's invalidation reason are included but listed
under ``redaction_review``: they may still name other people, so the data-protection officer reads
them before the file is sent, as every subject access workflow does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, union_all
from sqlalchemy.orm import Session

from engine.models import AccessLog, Event, HumanTask, HumanTaskField, User
from workflows.models import Claim, Family, Outcome, Person, Referral
from workflows.rules.moments import LONDON

MATCH_LIMIT = 50  # people found by name and date of birth: a search, not a listing
TASK_LIMIT = 2000  # a family's tasks over its whole journey; far more than any real case has
EVENT_LIMIT = 5000
EXPORT_LOG_LIMIT = 1000  # access-log entries per family in an export (the header says when cut short)


class SubjectAccessError(ValueError):
    """Input an administrator can correct; the message is shown to them as it is."""


def times(moment: datetime | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {"utc": moment.isoformat(), "london": moment.astimezone(LONDON).isoformat()}


# -- a family's access history --------------------------------------------------------------------

def family_task_ids(session: Session, family: Family) -> list[str]:
    """The family's tasks: those carrying its reference, and its referrals' triage tasks (whose
    reference was a provisional family's before the Early Help Unit matched it to this one)."""
    by_ref = select(HumanTaskField.task_id).where(HumanTaskField.name == "family_ref",
                                                  HumanTaskField.value == (family.ref or ""))
    referral_instances = select(Referral.instance_id).where(Referral.family_id == family.id)
    by_referral = select(HumanTask.id).where(HumanTask.instance_id.in_(referral_instances))
    return sorted(set(session.scalars(union_all(by_ref, by_referral).limit(TASK_LIMIT))))


def family_resources(session: Session, family: Family) -> dict[str, list[str]]:
    """Every access-log key (resource type -> ids) whose entries are about this family."""
    task_ids = family_task_ids(session, family)
    instances = {str(i) for i in session.scalars(
        select(HumanTask.instance_id).where(HumanTask.id.in_(task_ids)).distinct())} if task_ids else set()
    instances |= {str(i) for i in session.scalars(select(Referral.instance_id).where(Referral.family_id == family.id))}
    people = session.scalars(select(Person.person_id).where(Person.family_id == family.id))
    claim = session.scalar(select(Claim.id).where(Claim.family_id == family.id))
    # A re-referral matched to this family was first a provisional family: its triage task carries that
    # reference, and reads under it are reads of this family too.
    earlier: list[str] = list(session.scalars(select(HumanTaskField.value).where(
        HumanTaskField.name == "family_ref", HumanTaskField.task_id.in_(task_ids)).distinct())) if task_ids else []
    return {
        "family": sorted({family.ref or "", *earlier}),
        "task": sorted(task_ids),
        "instance": sorted(instances),
        "person": sorted(p for p in people if p),
        "referral": sorted(r for r in session.scalars(select(Referral.ref).where(Referral.family_id == family.id))
                           if r),
        "claim": [str(claim)] if claim else [],
    }


def family_access_log(session: Session, family: Family, *, before: int | None = None,
                      limit: int = 50) -> tuple[list[AccessLog], int | None]:
    """A page of entries about the family, newest first, and the cursor of the next (older) page.

    One branch per resource type, each an index range on ``ix_access_log_resource`` (type, id, entry)
    cut to ``limit + 1`` rows, so the page costs the family's own entries, never a scan of the log.
    """
    branches = []
    for resource_type, ids in family_resources(session, family).items():
        if not ids:
            continue
        condition: ColumnElement[bool] = and_(AccessLog.resource_type == resource_type,
                                              AccessLog.resource_id.in_(ids))
        if before is not None:
            condition = and_(condition, AccessLog.id < before)
        branches.append(select(AccessLog.id).where(condition).order_by(AccessLog.id.desc())
                        .limit(limit + 1).subquery())
    picked = union_all(*(select(b.c.id) for b in branches)).subquery()
    rows = list(session.scalars(select(AccessLog).where(AccessLog.id.in_(select(picked.c.id)))
                                .order_by(AccessLog.id.desc()).limit(limit + 1)))
    older = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], older


def log_entry(entry: AccessLog) -> dict[str, Any]:
    return {"at": times(entry.at), "who": entry.username, "method": entry.method, "route": entry.route,
            "resource_type": entry.resource_type, "resource_id": entry.resource_id,
            "status_code": entry.status_code, "admin_read": entry.admin_read}


# -- finding a person ------------------------------------------------------------------------------

def find_people(session: Session, family_name: str, date_of_birth: str,
                given_name: str = "") -> list[tuple[Person, str]]:
    """People of that name (in any letter case: "smith" finds "Smith") and date of birth across families,
    with their family's reference; at most ``MATCH_LIMIT``."""
    query = select(Person, Family.ref).join(Family, Family.id == Person.family_id).where(
        func.lower(Person.family_name) == family_name.lower(), Person.date_of_birth == date_of_birth)
    if given_name:
        query = query.where(func.lower(Person.given_name) == given_name.lower())
    rows = session.execute(query.order_by(Person.id).limit(MATCH_LIMIT))
    return [(person, ref or "") for person, ref in rows]


def household(session: Session, family_ref: str) -> list[Person] | None:
    """The family's people (at most ``MATCH_LIMIT``), or ``None`` when no family has that reference."""
    family = session.scalar(select(Family).where(Family.ref == family_ref))
    if family is None:
        return None
    return list(session.scalars(select(Person).where(Person.family_id == family.id).order_by(Person.id)
                                .limit(MATCH_LIMIT)))


def chosen_records(session: Session, person_ids: Sequence[str]) -> list[Person]:
    """The person records an administrator picked; all must be one person (same name and birth date)."""
    wanted = sorted({p.strip() for p in person_ids if p.strip()})
    if not wanted:
        raise SubjectAccessError("Select the person whose records you want to export")
    if len(wanted) > MATCH_LIMIT:
        raise SubjectAccessError(f"Select at most {MATCH_LIMIT} records")
    people = list(session.scalars(select(Person).where(Person.person_id.in_(wanted)).order_by(Person.id)))
    missing = sorted(set(wanted) - {p.person_id for p in people})
    if missing:
        raise SubjectAccessError(f"No person found with ID {', '.join(missing)}")
    if len({(p.given_name, p.family_name, p.date_of_birth) for p in people}) > 1:
        raise SubjectAccessError("Select the records of one person only: the names or dates of birth differ")
    return people


# -- the export -------------------------------------------------------------------------------------

def _rows_about(data: dict[str, Any], ids: set[str]) -> tuple[dict[str, Any], list[str], bool]:
    """A task's stored answers cut to this person: their rows, the fields withheld, and whether it
    mentions them at all. A form about one person (a top-level ``person_id``) is theirs whole."""
    if "person_id" in data:
        return (dict(data), [], True) if str(data["person_id"]) in ids else ({}, [], False)
    rows: dict[str, Any] = {}
    withheld = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) and "person_id" in v for v in value):
            theirs = [v for v in value if str(v["person_id"]) in ids]
            if theirs:
                rows[key] = theirs
        else:
            withheld.append(key)
    return rows, sorted(withheld), bool(rows)


def _completions(session: Session, families: Iterable[Family], ids: set[str]) -> list[dict[str, Any]]:
    task_ids = [t for f in families for t in family_task_ids(session, f)]
    if not task_ids:
        return []
    names = {i: n for i, n in session.execute(select(HumanTask.id, HumanTask.name).where(HumanTask.id.in_(task_ids)))}
    instances = select(HumanTask.instance_id).where(HumanTask.id.in_(task_ids)).distinct()
    events = session.scalars(select(Event).where(Event.instance_id.in_(instances), Event.kind == "task_completed",
                                                 Event.task_id.in_(task_ids)).order_by(Event.id).limit(EVENT_LIMIT))
    found = []
    for event in events:
        rows, withheld, mentions = _rows_about(event.data or {}, ids)
        if mentions:
            found.append({"task": names.get(event.task_id or "", event.bpmn_id), "bpmn_id": event.bpmn_id,
                          "completed_at": times(event.at), "completed_by": event.actor, "about_this_person": rows,
                          "family_level_fields_withheld": withheld})
    return found


def _messages(session: Session, families: Iterable[Family], ids: set[str]) -> list[dict[str, Any]]:
    """Messages the family's journeys received that are about this person (a payload naming their id:
    a benefit, an ``off_benefit_on`` date, a note), as the event history holds them."""
    family_ids = [f.id for f in families]
    if not family_ids:
        return []
    instances = select(Referral.instance_id).where(Referral.family_id.in_(family_ids))
    events = session.scalars(select(Event).where(Event.instance_id.in_(instances), Event.kind == "message_received")
                             .order_by(Event.id).limit(EVENT_LIMIT))
    found = []
    for event in events:
        payload = (event.data or {}).get("payload")
        rows, withheld, mentions = _rows_about(payload if isinstance(payload, dict) else {}, ids)
        if mentions:
            found.append({"name": (event.data or {}).get("name"), "received_at": times(event.at),
                          "sent_by": event.actor, "about_this_person": rows,
                          "family_level_fields_withheld": withheld})
    return found


def _as_submitted(session: Session, referral: Referral, ids: set[str]) -> tuple[Any, list[dict[str, Any]]]:
    """The address and this person's own household rows as the referrer gave them (gender and all):
    the referral instance's start data, whose household is in the order its people got their ids."""
    started = session.scalar(select(Event).where(Event.instance_id == referral.instance_id,
                                                 Event.kind == "instance_started").order_by(Event.id).limit(1))
    submitted = ((started.data or {}).get("data") or {}).get("referral") or {} if started else {}
    members = submitted.get("household") or []
    people = session.scalars(select(Person).where(Person.family_id == referral.family_id,
                                                  Person.referral_id == referral.id).order_by(Person.id)).all()
    rows = []
    for person, member in zip(people, members, strict=False):
        # Only a row that is plainly theirs: never risk handing over someone else's.
        if person.person_id in ids and (member.get("given_name"), member.get("date_of_birth")) == (
                person.given_name, person.date_of_birth):
            rows.append({**member, "person_id": person.person_id})
    return submitted.get("address"), rows


def _referral(session: Session, referral: Referral, theirs: list[Person], ids: set[str]) -> dict[str, Any]:
    # Counted within the family (indexed): a referral's people move with it when triage matches a family.
    everyone = session.scalars(select(Person.person_id).where(Person.family_id == referral.family_id,
                                                              Person.referral_id == referral.id)).all()
    others = len(everyone) - len(theirs)
    family = session.get(Family, referral.family_id)
    address, submitted = _as_submitted(session, referral, ids)
    return {
        "ref": referral.ref, "family_ref": family.ref if family else None, "received_at": times(referral.received_at),
        "referrer": referral.referrer, "reasons": referral.reasons, "address": address,
        "this_person": [{"person_id": p.person_id, "given_name": p.given_name, "family_name": p.family_name,
                         "date_of_birth": p.date_of_birth, "relationship": p.relationship, "role": p.role}
                        for p in theirs],
        "this_person_as_submitted": submitted,
        "other_household_members_omitted": others,
        "note": f"{others} other household member{'' if others == 1 else 's'} omitted",
    }


def subject_access_export(session: Session, person_ids: Sequence[str], *, now: datetime,
                          made_by: str) -> dict[str, Any]:
    """Everything held about one person, as JSON-safe data with a header saying what it is."""
    people = chosen_records(session, person_ids)
    ids = {p.person_id for p in people if p.person_id}
    families = list(session.scalars(select(Family).where(Family.id.in_({p.family_id for p in people}))
                                    .order_by(Family.id)))
    referrals = session.scalars(select(Referral).where(Referral.id.in_({p.referral_id for p in people}))
                                .order_by(Referral.id))
    outcomes = list(session.scalars(select(Outcome).where(Outcome.family_id.in_([f.id for f in families]),
                                                          Outcome.person_id.in_(ids)).order_by(Outcome.id)))
    claims = session.scalars(select(Claim).where(Claim.family_id.in_({o.family_id for o in outcomes}))
                             .order_by(Claim.id))
    refs = {f.id: f.ref for f in families}
    first = people[0]
    logs = {}
    for family in families:
        entries, more = family_access_log(session, family, limit=EXPORT_LOG_LIMIT)
        logs[family.ref or ""] = {"entries": [log_entry(e) for e in entries], "cut_short": more is not None}
    return {
        "about": {
            "title": "Subject access export", "service": "Family journeys",
            "description": "Everything this service holds about one person: their records in every family and "
                           "referral, indicators and evidence about them, their outcomes and sustainment, claims "
                           "resting on their outcomes, task answers and messages about them, and who viewed their "
                           "family's records. Other household members' details are left out.",
            "person": {"given_name": first.given_name, "family_name": first.family_name,
                       "date_of_birth": first.date_of_birth, "person_ids": sorted(ids)},
            "made_at": times(now), "made_by": made_by,
            "redaction_review": [
                "referrals[].reasons, referrals[].referrer: written by the referrer about the whole household",
                "indicators[].evidence and task_completions[].about_this_person: free text recorded against "
                "this person, which may name others",
                "claims[].invalid_reason: free text",
                "messages[].about_this_person: a message's free text (a note) may name others",
            ],
            "withheld": "Family-level free text (summaries, next steps) and other people's rows are withheld: "
                        "see task_completions[].family_level_fields_withheld.",
        },
        "person_records": [{"person_id": p.person_id, "family_ref": refs.get(p.family_id), "given_name": p.given_name,
                            "family_name": p.family_name, "date_of_birth": p.date_of_birth,
                            "relationship": p.relationship, "role": p.role} for p in people],
        "referrals": [_referral(session, r, [p for p in people if p.referral_id == r.id], ids) for r in referrals],
        "families": [{"ref": f.ref, "status": f.status, "district": f.district, "postcode": f.postcode,
                      "route": f.route, "team": f.team_id, "case_manager": f.case_manager,
                      "closed_on": f.closed_on, "closure_approved_at": times(f.closure_approved_at)}
                     for f in families],
        "indicators": [{"family_ref": f.ref, **row} for f in families for row in (f.indicators or [])
                       if str(row.get("person_id")) in ids],
        "outcomes": [{"family_ref": refs.get(o.family_id), "id": o.id, "person_id": o.person_id,
                      "indicator": o.indicator, "kind": o.kind, "anchor": o.anchor, "anchor_date": o.anchor_date,
                      "sustained_at": times(o.sustained_at), "status": o.status, "reason": o.reason}
                     for o in outcomes],
        "claims": [{"id": c.id, "family_ref": refs.get(c.family_id), "claim_type": c.claim_type, "state": c.state,
                    "resting_on_outcomes": [o.id for o in outcomes if o.family_id == c.family_id],
                    "batched_at": times(c.batched_at), "submitted_at": times(c.submitted_at),
                    "paid_at": times(c.paid_at), "invalidated_at": times(c.invalidated_at),
                    "invalid_reason": c.invalid_reason} for c in claims],
        "task_completions": _completions(session, families, ids),
        "messages": _messages(session, families, ids),
        "access_log": logs,
    }



def family_exists(session: Session, ref: str) -> bool:
    return session.scalar(select(Family.id).where(Family.ref == ref)) is not None


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """Username -> display name, for the people an access log names."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))
    return {u: n for u, n in rows}
