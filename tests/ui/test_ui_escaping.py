"""Data is shown as text, never as markup: ``<b>&"'<script>`` in a family's names, the referral, notes and
a flash message, fetched on every page as each role of the council. The pages' own markup is never
shown as text either (a literal joined to an escaped message used to be escaped whole)."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import HumanTask, ProcessVersion, User
from tests.fixtures.lifecycle import Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from workflows.models import Claim, ClaimWindow, Family

HOSTILE = "<b>&\"'<script>"
ROLES = ("partner", "ehu1", "tm1", "cm1", "pft1", "tf1", "pm1", "co1", "owner", "admin")
# Not pages: files, probes, the sign-in redirects and the assets.
NOT_PAGES = ("api.", "assets.", "static", "health.", "metrics.", "auth.session_status", "auth.oidc",
             "case.case_diagram", "tf.tf_claim_file", "admin.admin_definition_file")
# HTML's own tags (the access log shows routes such as /families/<ref>: text, not markup).
NEED_A_REFERRAL_SESSION = {"referral.referral_check", "referral.referral_confirmation", "referral.referral_household",
                           "referral.referral_remove"}
MARKUP = re.compile(r"</?(a|b|br|p|strong|span|div|ul|ol|li|h[1-6]|dl|dt|dd|table|tr|td|th|form|input|button"
                    r"|label|em|details|summary|script|img|svg)(\s[^<>]*)?/?>")
DOUBLE_ESCAPED = re.compile(r"&(amp|lt|gt|quot|#\d+);")


def _hostile_referral(journey: Journey) -> dict[str, Any]:
    return journey.refer(
        referrer={"name": HOSTILE, "organisation": HOSTILE, "role": "Teacher", "email": "pat@example.org"},
        household=[{"given_name": HOSTILE, "family_name": HOSTILE, "date_of_birth": "1985-06-01",
                    "relationship": HOSTILE, "role": "adult"},
                   {"given_name": "Alex", "family_name": HOSTILE, "date_of_birth": "2012-09-01",
                    "relationship": "Son", "role": "child"}],
        address={"line_1": HOSTILE, "town": "Newark", "postcode": "NG24 1AB"}, reasons=HOSTILE)


def _seed(journey: Journey) -> None:
    """A claimed family, one in case management with an overdue review, one waiting for triage."""
    claimed = _hostile_referral(journey)
    journey.close_approved(claimed, notes=HOSTILE)
    journey.claim_window("2028 December", "2028-12-01T00:00:00+00:00", "2028-12-31T00:00:00+00:00")
    working = _hostile_referral(journey)
    journey.triage(working["family_ref"], working["people"], notes=HOSTILE)
    journey.do(working["family_ref"], "allocate", "tm1", {"case_manager": "cm1", "team": "newark-ehcm"})
    journey.do(working["family_ref"], "assess", "cm1", {"assessed_on": journey.today(), "summary": HOSTILE,
                                                       "all_members_included": True})
    journey.travel("P20M")  # the window audits; the plan is long overdue
    window = db.session.scalars(select(ClaimWindow)).one()
    journey.audit(claimed["family_ref"], 1)
    sample = journey.window(window.id)["sample"]
    for ref in sample["picks"]:
        journey.audit(ref, 2, refer_to_stage_3=False)
    _hostile_referral(journey)
    for user in db.session.scalars(select(User).where(User.username.in_(ROLES))):
        set_password(db.session, user, PASSWORD)
    db.session.commit()


def _urls(app: Flask) -> dict[str, list[str]]:
    """Every page (GET route) with each value its arguments take in the seeded council."""
    values: dict[str, list[Any]] = {
        "ref": list(db.session.scalars(select(Family.ref))),
        "task_id": list(db.session.scalars(select(HumanTask.id))),
        "user_id": list(db.session.scalars(select(User.id))),
        "window_id": list(db.session.scalars(select(ClaimWindow.id))),
        "claim_id": list(db.session.scalars(select(Claim.id))),
        "index": [0],
        "process_id": sorted(set(db.session.scalars(select(ProcessVersion.process_id)))),
        "number": [1],
    }
    pages: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint.startswith(NOT_PAGES):
            continue
        combos: list[dict[str, Any]] = [{}]
        for argument in rule.arguments:
            combos = [{**c, argument: v} for c in combos for v in values[argument]]
        with app.test_request_context():
            from flask import url_for

            pages[rule.endpoint] = [url_for(rule.endpoint, **c) for c in combos]
    return pages


def _check(html: str, url: str, who: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    where = f"{url} as {who}"
    assert soup.find("b") is None, f"{where}: the data's <b> became an element"
    for script in soup.find_all("script"):
        ours = script.get("src") or script.get("nonce") or script.get("type") == "application/json"
        assert ours, f"{where}: a script element from the data"
    shown = " ".join(s for s in soup.find_all(string=True)
                     if s.parent is not None and s.parent.name not in ("script", "style", "title", "[document]"))
    visible = shown.replace(HOSTILE, "")
    raw = MARKUP.search(visible)
    assert raw is None, f"{where}: markup shown as text: {raw.group(0) if raw else ''}"
    doubled = DOUBLE_ESCAPED.search(visible)
    assert doubled is None, f"{where}: escaped twice: {doubled.group(0) if doubled else ''}"


def test_no_page_shows_markup_or_runs_the_datas_script(app: Flask, client: FlaskClient, journey: Journey) -> None:
    _seed(journey)
    pages = _urls(app)
    seen: set[str] = set()
    overdue = 0
    for who in ROLES:
        browser = app.test_client()
        assert sign_in(browser, who).status_code == 302
        with browser.session_transaction() as session:
            session["_flashes"] = [("message", HOSTILE)]
        for endpoint, urls in pages.items():
            for url in urls:
                response = browser.get(url)
                if response.status_code == 200 and response.mimetype == "text/html":
                    _check(response.get_data(as_text=True), url, who)
                    overdue += endpoint == "tasks.task" and "Overdue" in response.get_data(as_text=True)
                    seen.add(endpoint)
    # Every page was shown to someone and checked, but those that redirect the signed-in (sign-in, home)
    # and the referral's later steps, which redirect to its start without answers in the session.
    assert set(pages) - seen == NEED_A_REFERRAL_SESSION | {"auth.sign_in", "auth.home"}
    assert overdue, "no task page showed an overdue task"
