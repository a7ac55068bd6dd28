"""A partner refers a family through the form; the Early Help Unit finds it in their inbox (the real lifecycle)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.browser.conftest import Accessibility, give_passwords, release, sign_in
from tests.fixtures.lifecycle import Journey
from web.extensions import db
from workflows.models import Family, Referral


def add_member(page: Any, index: int, given: str, born: tuple[str, str, str], relationship: str, role: str) -> None:
    prefix = f"#household-{index}-"
    page.fill(prefix + "given_name", given)
    page.fill(prefix + "family_name", "Smith")
    for part, value in zip(("day", "month", "year"), born, strict=True):
        page.fill(f"{prefix}date_of_birth-{part}", value)
    page.fill(prefix + "relationship", relationship)
    page.check(f"input[name=household-{index}-role][value={role}]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/household")


def test_a_partner_refers_a_family_and_the_early_help_unit_can_pick_it_up(
        page: Any, screenshot: Any, journey: Journey, audit: Accessibility) -> None:
    give_passwords("partner", "ehu1")
    sign_in(page, audit, "partner")
    page.wait_for_url("**/refer")  # a partner lands on the referral form
    audit(page)
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/refer/referrer")
    audit(page)
    page.get_by_role("button", name="Continue").click()  # nothing filled in: the error summary
    assert "Enter the referrer's name" in page.inner_text(".govuk-error-summary")
    audit(page)
    page.fill("#referrer-name", "Pat Partner")
    page.fill("#referrer-organisation", "Meadow Primary School")
    page.fill("#referrer-email", "pat.partner@example.org")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/household/0")
    audit(page)
    add_member(page, 0, "Sam", ("1", "6", "1985"), "Mother", "adult")
    audit(page)
    page.check("input[name=add_another][value=yes]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/household/1")
    audit(page)
    add_member(page, 1, "Alex", ("1", "9", "2012"), "Son", "child")
    assert "You have added 2 household members" in page.inner_text("h1")
    audit(page)
    page.check("input[name=add_another][value=no]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/address")
    audit(page)
    page.fill("#address-line_1", "1 Station Road")
    page.fill("#address-town", "Newark")
    page.fill("#address-postcode", "NG24 1AB")
    page.select_option("#district", "newark_and_sherwood")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/reasons")
    audit(page)
    page.fill("#reasons", "Alex is often absent from school and there are police call-outs to the home.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/consent")
    audit(page)
    page.check("#consent")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/refer/check")
    assert "Alex Smith" in page.inner_text("main") and "Newark and Sherwood" in page.inner_text("main")
    audit(page)
    screenshot(page, "referral-check.png")
    page.get_by_role("button", name="Accept and send").click()
    page.wait_for_url("**/refer/confirmation/R-*")
    referral_ref = page.inner_text("#referral-ref").strip()
    assert "Referral sent" in page.inner_text("h1")
    audit(page)
    screenshot(page, "referral-confirmation.png")
    referral = db.session.scalars(select(Referral).where(Referral.ref == referral_ref)).one()
    family = db.session.get(Family, referral.family_id)
    assert family is not None and referral.submitted_by == "partner"
    family_ref = family.ref
    release()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, audit, "ehu1")
    page.wait_for_url("**/inbox")
    audit(page)
    page.get_by_role("link", name="Tasks I can pick up").click()
    audit(page)
    assert page.get_by_role("link", name=f"Triage the referral {family_ref}").is_visible()
