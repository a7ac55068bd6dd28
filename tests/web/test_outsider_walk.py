"""Every route of the app, walked as outsiders, must not tell a real family from one that does not exist.

The walk reads ``app.url_map``: a route added tomorrow is walked tomorrow. Each URL parameter is filled
from ``fillers()`` with the real values of two families (their references, tasks open and completed,
instances, the claim, the window, people...) and with a value of the same kind that exists nowhere.
For every method of every rule, and for each outsider (signed out; signed in, and with an API token,
as each of ``OUTSIDERS``), the two answers must be the same: status, type, redirect target and body
once the identifiers are replaced by a placeholder (an echoed identifier is fine, nothing else may
differ). And no answer may hold a family's reference or its people's names, ids, dates of birth or
address other than by echoing the URL. A parameter the table does not know fails the walk, so no new
route can skip it.

Messages and the generic start take no URL parameter, so a second walk sends them: every domain message
naming each family (and one that exists nowhere) and every deployed process started naming it, as an
outsider of every group, must get the same answer either way and change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Map, Rule

from engine.identity import ensure_team
from engine.models import (
    ApiToken,
    BufferedMessage,
    DefinitionMessage,
    DefinitionProcess,
    Event,
    GroupMember,
    HumanTask,
    HumanTaskField,
    Instance,
    OutboxMessage,
    User,
)
from tests.fixtures.lifecycle import GROUPS, REFERRAL, TEAM, Journey
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password

# Names that occur nowhere else on a page, so finding one is finding a leak.
HOUSEHOLD = [
    {"given_name": "Zebedee", "family_name": "Quartermaine", "date_of_birth": "1983-07-19",
     "relationship": "Father", "role": "adult", "gender": "male"},
    {"given_name": "Ottoline", "family_name": "Quartermaine", "date_of_birth": "2011-11-23",
     "relationship": "Daughter", "role": "child"},
]
SECRETS = ("Zebedee", "Ottoline", "Quartermaine", "1983-07-19", "2011-11-23", "19 July 1983", "23 November 2011",
           "Station Road", "NG24 1AB")
CUTOFF, CLOSES = "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00"

# Public by design, so not walked: the design system's and the app's static files (no records), and the
# way in and out. Signing in or out as the walker would change who the walker is, and failed sign-ins
# count towards the lockout; the referral form's start page is for anyone, holds no record and takes
# no parameter (the rest of the referral form IS walked: its pages hold the walker's own answers only).
EXEMPT = {
    "static": "Flask's static files",
    "assets.asset": "GOV.UK Frontend, MOJ Frontend and the app's CSS, JS, fonts and images",
    "auth.sign_in": "the sign-in page", "auth.sign_in_post": "signing in (would change the walker)",
    "auth.oidc_start": "the council identity provider's sign-in", "auth.oidc_callback": "its answer",
    "auth.sign_out": "signing out (would end the walker's session)",
    "referral.referral_start": "the referral form's public start page",
}
FAKE_NUMBER = "987654"
# The one difference accepted, by design (engine/queries.py ``get_actionable_task``): a member of a
# task's lane and team who acts on it once it is someone else's hears 409 (or 422 for a malformed body),
# with no data and nobody named, rather than 404, so losing an inbox race or an allocation is explained.
# They learn only that a task id they already hold exists. Its answers are still checked for leaks.
LANE_ACTIONS = {"api.claim_task", "api.unclaim_task", "api.complete_task", "tasks.task_post"}
LANE_MEMBERS = {"cm2"}  # a case manager of the family's team: the lane and team of its case managers' tasks
# The other, also by design (docs/sources/DESIGN.md's access matrix): a process owner reads how many live
# instances wait where in a deployed process, and hears 404 for a process never deployed. What differs
# is whether a process exists, never a family; the counts name no instance (still checked for leaks).
OWNER_COUNTS = {"api.definition_live"}
# Signed in and with API tokens: a case manager of the family's own team who is not allocated to it, a
# case manager and a team manager of another team, a referrer who did not refer it, a process owner, the
# Early Help Unit member who triaged both families (having done a task grants no read once the family
# has moved on), a Parenting and Family Team worker, and a PFT manager (who reads only the PFT's families).
OUTSIDERS = ("cm2", "cm9", "tm9", "partner2", "owner", "ehu1", "pft1", "pftm1")
# The TF groups read every family on the TF register, so for messages and starts they are walked against
# a family that never reached it (no further action on one indicator).
TF_OUTSIDERS = ("tf1", "pm1", "co1")


def fillers(scenario: dict[str, Any]) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each URL parameter's real values (of the claimed family and of the one waiting for allocation;
    an open task and a completed one) and a value of the same kind that exists nowhere."""
    return {
        "ref": (scenario["family_refs"], "F-2027-987654"),
        "referral_ref": (scenario["referral_refs"], "R-2027-987654"),
        "task_id": (scenario["task_ids"], "00000000-0000-4000-8000-000000987654"),
        "instance_id": (scenario["instance_ids"], FAKE_NUMBER),
        "window_id": ((str(scenario["window_id"]),), FAKE_NUMBER),
        "claim_id": ((str(scenario["claim_id"]),), FAKE_NUMBER),
        "person_id": (scenario["people"], "P-9876543"),
        "user_id": ((str(scenario["user_id"]),), FAKE_NUMBER),
        "token_id": ((str(scenario["token_id"]),), FAKE_NUMBER),
        "team_id": ((TEAM,), "no-such-team"),
        "process_id": (("case_management", "family_referral"), "no_such_process"),
        # A process definition's version and file: no family record (process owners read them by design), so
        # the same value twice; their answers are still searched for the families' secrets.
        "definition": (("case_management",), "case_management"),
        "number": (("1",), "1"),
        "file": (("case_management.bpmn",), "case_management.bpmn"),
        # Not identifiers: the same value twice (a form row's position, a file format).
        "index": (("0",), "0"),
        "extension": (("csv",), "csv"),
    }


# A parameter whose meaning depends on the route: the referral confirmation and status take a referral's; a
# definition version's process id and file name are a process definition's, not a family's.
KIND_BY_ENDPOINT = {("api.get_referral", "ref"): "referral_ref",
                    ("referral.referral_confirmation", "ref"): "referral_ref",
                    ("api.get_version", "process_id"): "definition",
                    ("api.get_version_file", "process_id"): "definition",
                    ("api.get_version_file", "name"): "file",
                    **{(f"admin.admin_definition_{page}", "process_id"): "definition"
                       for page in ("version", "file", "rollback", "diff")},
                    ("admin.admin_definition_file", "name"): "file"}


@pytest.fixture
def scenario(journey: Journey) -> dict[str, Any]:
    """A family referred, worked, closed, sustained, audited and claimed; a second one waiting for its
    allocation (an open task); and the outsiders with passwords and tokens."""
    body = {**REFERRAL, "household": HOUSEHOLD}
    claimed = journey.refer(**body)
    ref = journey.close_approved(claimed)
    window = journey.claim_window("2028 December", CUTOFF, CLOSES)
    journey.travel("P20M")
    journey.audit(ref, 1)
    for picked in journey.window(window["id"])["sample"]["picks"]:
        journey.audit(picked, 2, refer_to_stage_3=False)
    journey.submit_batch(journey.window(window["id"]))
    claim = journey.family(ref)["claim"]
    assert claim is not None and claim["state"] == "submitted"
    waiting = journey.refer(**body)
    journey.triage(waiting["family_ref"], waiting["people"])
    task = journey.task(waiting["family_ref"], "allocate", "tm1")
    journey.api.user("partner2", "referrer")  # a referrer, but not this family's
    ensure_team(db.session, "ashfield-ehcm", "Ashfield Early Help Case Management")
    journey.api.user("cm9", "case_manager", teams=("ashfield-ehcm",))  # another team's case manager
    journey.api.user("tm9", "team_manager", teams=("ashfield-ehcm",))  # and its manager
    unregistered = journey.refer(**body)
    journey.triage(unregistered["family_ref"], unregistered["people"], indicators=(7,), route="no_further_action")
    for name in OUTSIDERS:
        user = db.session.scalar(select(User).where(User.username == name))
        assert user is not None
        set_password(db.session, user, PASSWORD)
    db.session.commit()
    cm1 = db.session.scalar(select(User.id).where(User.username == "cm1"))
    done = tuple(db.session.scalars(select(HumanTask.id).join(HumanTaskField, HumanTaskField.task_id == HumanTask.id)
                                    .where(HumanTaskField.name == "family_ref", HumanTaskField.value == ref,
                                           HumanTask.bpmn_id.in_(("approve_closure", "write_closure")))
                                    .order_by(HumanTask.bpmn_id)))
    assert len(done) == 2  # a team manager's task and the allocated case manager's, both completed
    return {"family_refs": (ref, waiting["family_ref"]),
            "referral_refs": (claimed["referral_ref"], waiting["referral_ref"]),
            "task_ids": (task["id"], *done), "instance_ids": (str(task["instance_id"]), str(claimed["instance_id"])),
            "window_id": window["id"], "claim_id": claim["id"], "user_id": cm1,
            "unregistered_ref": unregistered["family_ref"],
            "token_id": db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == cm1)),
            "people": tuple(p["person_id"] for p in claimed["people"] + waiting["people"])}


class Outsider:
    """Someone who must learn nothing: a browser (signed in or not) or an API token."""

    def __init__(self, name: str, client: FlaskClient, token: str | None = None) -> None:
        self.name, self.client, self.token = name, client, token
        self.username = name.split(": ", 1)[1]
        self.last: Any = None
        page = client.get("/inbox" if self.signed_in else "/sign-in")
        self.csrf = csrf(page.get_data(as_text=True)) if b"csrf_token" in page.data else ""

    @property
    def signed_in(self) -> bool:
        return self.name.startswith("browser:") and not self.name.endswith("signed out")

    def ask(self, method: str, url: str) -> Any:
        self.last = self._ask(method, url)
        return self.last

    def _ask(self, method: str, url: str) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if method in ("GET", "DELETE"):
            return self.client.open(url, method=method, headers=headers)
        if url.startswith("/api/"):
            return self.client.open(url, method=method, headers=headers, json={})
        return self.client.open(url, method=method, headers=headers, data={"csrf_token": self.csrf})


def outsiders(app: Flask, journey: Journey) -> Iterator[Outsider]:
    yield Outsider("browser: signed out", app.test_client())
    for name in OUTSIDERS:
        browser = app.test_client()
        assert sign_in(browser, name).status_code == 302
        yield Outsider(f"browser: {name}", browser)
        yield Outsider(f"token: {name}", app.test_client(), journey.api.tokens[name])


def fill(rule: Rule, table: dict[str, tuple[tuple[str, ...], str]]) -> list[tuple[dict[str, str], dict[str, str]]]:
    """The rule's parameters filled with each real value in turn, and the fake values: (real, fake) pairs."""
    kinds = {}
    for name in sorted(rule.arguments):
        kinds[name] = KIND_BY_ENDPOINT.get((rule.endpoint, name), name)
        if kinds[name] not in table:
            pytest.fail(f"{rule.rule} ({rule.endpoint}): the outsider walk has no filler for <{name}>; add real "
                        f"values and a non-existent one of the same kind to fillers() in {__name__}")
    fake = {name: table[kind][1] for name, kind in kinds.items()}
    variants = max((len(table[kind][0]) for kind in kinds.values()), default=1)
    return [({name: table[kind][0][i % len(table[kind][0])] for name, kind in kinds.items()}, fake)
            for i in range(variants)]


def url_for_rule(rule: Rule, values: dict[str, str]) -> str:
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, url)
    return url


def placeholder(text: str, values: dict[str, str]) -> str:
    """The identifiers echoed from the URL, as placeholders; and what differs on every response."""
    for name, value in sorted(values.items(), key=lambda kv: -len(kv[1])):
        for form in {value, quote(value, safe="")}:
            text = text.replace("%2F" + form, f"%2F{{{name}}}")  # in a sign-in page's ?next=
            # Whole tokens only: a short number must not eat the digits of other numbers.
            text = re.sub(rf"(?<![\w.]){re.escape(form)}(?![\w])", f"{{{name}}}", text)
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', text)


def answer(response: Any, values: dict[str, str], also: dict[str, str] | None = None) -> tuple[int, str, str, str]:
    location, body = response.headers.get("Location", ""), response.get_data().decode("utf-8", "replace")
    for table in (values, also or {}):
        location, body = placeholder(location, table), placeholder(body, table)
    return response.status_code, response.mimetype or "", location, body


def first_difference(mine: tuple[int, str, str, str], theirs: tuple[int, str, str, str]) -> str:
    for a, b in zip(mine[2:], theirs[2:], strict=True):
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        if a != b:
            return f"{a[max(0, at - 60):at + 60]!r} against {b[max(0, at - 60):at + 60]!r}"
    return "the status or type"


def test_no_route_tells_an_outsider_that_a_family_exists(app: Flask, journey: Journey,
                                                        scenario: dict[str, Any]) -> None:
    table = fillers(scenario)
    secrets = _secrets(scenario)
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint not in EXEMPT), key=lambda r: r.rule)
    assert {"case.case", "api.get_family", "privacy.family_access_log", "tasks.task"} <= {r.endpoint for r in rules}
    problems: list[str] = []
    walked = 0
    for outsider in outsiders(app, journey):
        for rule, method in ((r, m) for r in rules for m in sorted((r.methods or set()) - {"HEAD", "OPTIONS"})):
            for real, fake in fill(rule, table):
                real_url, fake_url = url_for_rule(rule, real), url_for_rule(rule, fake)
                mine = answer(outsider.ask(method, real_url), real)
                walked += 1
                where = f"{outsider.name}: {method} {real_url}"
                leaked = [s for s in secrets if s in mine[2] + mine[3]]
                if leaked:
                    problems.append(f"{where} answers {mine[0]} holding {leaked}")
                if real == fake:
                    continue
                # Both values hidden in both answers: a small id (1) also hides a coincidence ("scale=1").
                mine = answer(outsider.last, real, fake)
                theirs = answer(outsider.ask(method, fake_url), fake, real)
                lane = (rule.endpoint in LANE_ACTIONS and outsider.username in LANE_MEMBERS
                        and mine[0] in (409, 422) and theirs[0] == 404)
                lane = lane or (rule.endpoint in OWNER_COUNTS and outsider.username == "owner"
                                and mine[0] == 200 and theirs[0] == 404)
                if mine != theirs and not lane:
                    differs = [part for part, a, b in zip(("status", "type", "redirect", "body"), mine, theirs,
                                                          strict=True) if a != b]
                    problems.append(f"{where} answers {mine[0]}, but {fake_url} answers {theirs[0]} "
                                    f"(the {', '.join(differs)} differ{'s' if len(differs) == 1 else ''}: "
                                    f"{first_difference(mine, theirs)})")
    assert walked > (1 + 2 * len(OUTSIDERS)) * 100, walked  # every outsider walked every rule
    assert not problems, "routes that tell outsiders a family exists:\n" + "\n".join(problems)


def _secrets(scenario: dict[str, Any]) -> tuple[str, ...]:
    return (*scenario["family_refs"], scenario["unregistered_ref"], *scenario["referral_refs"], *scenario["people"],
            *SECRETS)


def _state() -> tuple[int, ...]:
    """What a message or a start would change: instances, tasks, events, kept and thrown messages."""
    return tuple(int(db.session.scalar(select(func.count()).select_from(model)) or 0)
                 for model in (Instance, HumanTask, Event, BufferedMessage, OutboxMessage))


def test_no_message_or_start_tells_an_outsider_that_a_family_exists(app: Flask, journey: Journey,
                                                                   scenario: dict[str, Any]) -> None:
    """Every group's outsider, through the API: each message the lifecycle declares, correlated with a real
    family and with one that exists nowhere, and each deployed process started naming one or the other."""
    names = sorted(set(db.session.scalars(select(DefinitionMessage.name))))
    processes = sorted(set(db.session.scalars(select(DefinitionProcess.process_id))))
    assert {"continuous_employment", "social_care_escalation", "re_referral"} <= set(names)
    assert {"family_referral", "claim_window"} <= set(processes)
    fake = "F-2027-987654"
    walkers = [(name, scenario["family_refs"]) for name in OUTSIDERS]
    walkers += [(name, (scenario["unregistered_ref"],)) for name in TF_OUTSIDERS]
    groups = {g for name, _ in walkers for g in db.session.scalars(
        select(GroupMember.group_id).join(User, User.id == GroupMember.user_id).where(User.username == name))}
    assert groups == set(GROUPS) - {"admin"}, groups  # one outsider of every group at least
    secrets, before, problems, walked = _secrets(scenario), _state(), [], 0
    client = app.test_client()
    for username, refs in walkers:
        headers = {"Authorization": f"Bearer {journey.api.tokens[username]}"}
        asks = [("/api/v1/messages", lambda ref, n=name: {"name": n, "correlation": {"family_ref": ref},
                                                          "payload": {"family_ref": ref}}) for name in names]
        asks += [("/api/v1/instances", lambda ref, p=process: {"process_id": p, "business_key": ref,
                                                              "data": {"family_ref": ref}}) for process in processes]
        for ref in refs:
            for url, body in asks:
                where = f"{username}: POST {url} {body(ref)}"
                mine = client.post(url, headers=headers, json=body(ref))
                theirs = client.post(url, headers=headers, json=body(fake))
                walked += 1
                mine_ = answer(mine, {"ref": ref}, {"other": fake})
                theirs_ = answer(theirs, {"ref": fake}, {"other": ref})
                leaked = [s for s in secrets if s in mine.get_data(as_text=True).replace(ref, "")]
                if leaked:
                    problems.append(f"{where} answers {mine.status_code} holding {leaked}")
                if mine_ != theirs_:
                    problems.append(f"{where} answers {mine.status_code}, but naming {fake} answers "
                                    f"{theirs.status_code} ({first_difference(mine_, theirs_)})")
                if mine.status_code < 400:
                    problems.append(f"{where} was accepted ({mine.status_code})")
    assert walked == (len(OUTSIDERS) * 2 + len(TF_OUTSIDERS)) * (len(names) + len(processes))
    assert not problems, "messages and starts that tell outsiders a family exists:\n" + "\n".join(problems)
    assert _state() == before  # nothing delivered, kept or started


def test_a_route_with_an_unknown_parameter_fails_the_walk() -> None:
    rule = Rule("/families/<ref>/letters/<letter_id>", endpoint="case.letter")
    Map([rule])  # binding parses the parameters
    with pytest.raises(pytest.fail.Exception, match=r"no filler for <letter_id>"):
        fill(rule, {"ref": (("F-1",), "F-2")})


def test_the_walk_sees_a_difference_and_a_leak(scenario: dict[str, Any]) -> None:
    """The comparison itself can fail: an echoed identifier is equal, anything else is not."""
    real, fake = {"ref": scenario["family_refs"][0]}, {"ref": "F-2027-987654"}
    echoed = placeholder(f'<p>No family {real["ref"]}</p><a href="/sign-in?next=%2Ffamilies%2F{real["ref"]}">',
                         real)
    assert echoed == placeholder(f'<p>No family {fake["ref"]}</p><a href="/sign-in?next=%2Ffamilies%2F'
                                 f'{fake["ref"]}">', fake)
    assert placeholder("claim 1 of 12, h1", {"claim_id": "1"}) == "claim {claim_id} of 12, h1"
    assert placeholder("<p>Zebedee</p>", real) != placeholder("<p>Page not found</p>", fake)
