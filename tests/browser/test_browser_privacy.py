"""Data protection in the browser: an outsider's refused look at a case is in the family's access log,
and a subject access file holds one person's data and not their household's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.browser.conftest import Accessibility, give_passwords, sign_in
from tests.fixtures.lifecycle import REFERRAL, Journey

HOUSEHOLD = [*REFERRAL["household"],
             {"given_name": "Morgan", "family_name": "Smith", "date_of_birth": "2015-02-03", "relationship": "Daughter",
              "role": "child"}]


def family(journey: Journey) -> dict[str, Any]:
    referral = journey.refer(household=HOUSEHOLD)
    journey.triage(referral["family_ref"], referral["people"])
    give_passwords("admin", "cm2")
    return referral


def test_an_outsiders_look_at_a_case_is_refused_and_the_admin_sees_it_in_the_access_log(
        page: Any, screenshot: Any, journey: Journey, audit: Accessibility) -> None:
    ref = family(journey)["family_ref"]
    sign_in(page, audit, "cm2")
    page.wait_for_load_state()
    audit(page)  # the landing page  # a case manager of the family's team, not allocated to it
    response = page.goto(f"/families/{ref}")
    assert response.status == 404
    assert page.inner_text("h1") == "Page not found"
    assert "Smith" not in page.inner_text("body")
    audit(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    audit(page)

    sign_in(page, audit, "admin")
    page.wait_for_load_state()
    audit(page)  # the landing page
    page.goto("/admin/families")
    audit(page)
    page.fill("#ref", ref)
    page.get_by_role("button", name="Find family").click()
    page.wait_for_url(f"**/admin/families/{ref}/access-log")
    audit(page)
    newest = page.locator("#access-log tbody tr").first.inner_text()
    assert "cm2" in newest and "GET /families/<ref>" in newest and "Refused (404)" in newest
    assert newest.rstrip().endswith("No")  # not an administrator's read
    screenshot(page, "access-log.png")


def test_an_admin_downloads_one_persons_subject_access_file(page: Any, journey: Journey,
                                                            audit: Accessibility, tmp_path: Path) -> None:
    referral = family(journey)
    sam, alex, morgan = referral["people"]
    sign_in(page, audit, "admin")
    page.wait_for_load_state()
    audit(page)  # the landing page
    page.goto("/admin/subject-access")
    audit(page)
    page.fill("#family_ref", referral["family_ref"])
    page.get_by_role("button", name="Find household").click()
    page.wait_for_selector("text=Select the records of the person who asked")
    audit(page)
    page.get_by_label("Alex Smith, born 1 September 2012").check()
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download subject access file").click()
    download = downloading.value
    assert download.suggested_filename.startswith(f"subject-access-{alex['person_id']}-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    export = json.loads(text)
    assert export["about"]["title"] == "Subject access export"
    assert export["person_records"][0]["given_name"] == "Alex"
    assert export["person_records"][0]["date_of_birth"] == "2012-09-01"
    assert export["referrals"][0]["note"] == "2 other household members omitted"
    for other in ("Sam", "1985-06-01", "Morgan", "2015-02-03", sam["person_id"], morgan["person_id"]):
        assert other not in text, other
    page.goto(f"/admin/families/{referral['family_ref']}/access-log")
    newest = page.locator("#access-log tbody tr").first.inner_text()
    assert "POST /admin/subject-access/export" in newest and f"person {alex['person_id']}" in newest
    assert newest.rstrip().endswith("Yes")
    audit(page)
