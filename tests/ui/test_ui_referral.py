"""The referral form's pages: one question per page, add another, check answers, one referral per send."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import AccessLog, User
from tests.fixtures.client_request import Page
from tests.fixtures.lifecycle import Journey
from tests.fixtures.pages import PASSWORD, csrf, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.ui.forms_render import collect
from web.ui.models import ReferralDraft
from web.ui.referral.flow import specs
from web.ui.referral.questions import drafts
from workflows.models import Family, IdempotentRequest, Person, Referral
from workflows.services import intake as referral_intake

REFERRER = {"referrer-name": "Pat Jones", "referrer-organisation": "Meadow Primary School",
            "referrer-role": "Family liaison", "referrer-email": "pat.jones@example.org"}
ADDRESS = {"address-line_1": "1 Station Road", "address-town": "Newark", "address-postcode": "ng241ab",
           "district": "newark_and_sherwood"}
REASONS = {"reasons": "Alex is often absent from school."}
CONSENT = {"consent": "true"}
SAM = {"given_name": "Sam", "family_name": "Smith", "date_of_birth-day": "1", "date_of_birth-month": "6",
       "date_of_birth-year": "1985", "relationship": "Mother", "role": "adult", "gender": "female"}
ALEX = {"given_name": "Alex", "family_name": "Smith", "date_of_birth-day": "1", "date_of_birth-month": "9",
        "date_of_birth-year": "2012", "relationship": "Son", "role": "child"}


def with_passwords(*usernames: str) -> None:
    for username in usernames:
        set_password(db.session, db.session.scalars(select(User).where(User.username == username)).one(), PASSWORD)
    db.session.commit()


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                 for m in (Referral, Family, ReferralDraft))


def post(client: FlaskClient, url: str, data: dict[str, str]) -> Any:
    token = csrf(client.get("/refer/referrer").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def person(index: int, answers: dict[str, str]) -> dict[str, str]:
    return {f"household-{index}-{key}": value for key, value in answers.items()}


def main(response: Any) -> str:
    """The page's main content (the identity bar and the script nonce differ between people and requests),
    as served: compared byte for byte, not as parsed."""
    return str(response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0])


def submit_key(page: Page) -> str:
    return str(page.select_one('form input[name="submit_key"]')["value"])


def answers(page: Page) -> list[str]:
    """What the check page shows: each person's card title and every summary list's values."""
    return page.texts(".govuk-summary-card__title") + page.texts(".govuk-summary-list__value")


def referral_sent(response: Any) -> Page:
    """The confirmation page, checked to be one: its panel says the referral was sent."""
    page = Page(response)
    assert page.text(".govuk-panel__title") == "Referral sent"
    return page


def fill(client: FlaskClient, members: list[dict[str, str]]) -> None:
    """Every question page, as a person would answer them."""
    assert post(client, "/refer/referrer", REFERRER).location == "/refer/household"
    assert client.get("/refer/household").location == "/refer/household/0"
    for index, answers in enumerate(members):
        if index:
            assert post(client, "/refer/household", {"add_another": "yes"}).location == f"/refer/household/{index}"
        assert post(client, f"/refer/household/{index}", person(index, answers)).location == "/refer/household"
    assert post(client, "/refer/household", {"add_another": "no"}).location == "/refer/address"
    assert post(client, "/refer/address", ADDRESS).location == "/refer/reasons"
    assert post(client, "/refer/reasons", REASONS).location == "/refer/consent"
    assert post(client, "/refer/consent", CONSENT).location == "/refer/check"


def send(client: FlaskClient) -> Any:
    page = Page(client.get("/refer/check"))
    key = submit_key(page)
    assert key, "no submission key on the check page"
    return client.post("/refer/check", data={"csrf_token": csrf(page.html), "submit_key": key})


PAGE_ERRORS = [
    ("/refer/referrer", {}, [("#referrer-name", "Enter the referrer's name"),
                             ("#referrer-email", "Enter an email address or a telephone number")]),
    ("/refer/referrer", {**REFERRER, "referrer-email": "pat@", "referrer-phone": "12"},
     [("#referrer-email", "Enter an email address in the correct format, like name@example.com"),
      ("#referrer-phone", "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")]),
    ("/refer/household/0", {}, [("#household-0-given_name", "Enter the first name"),
                                ("#household-0-family_name", "Enter the last name"),
                                ("#household-0-date_of_birth-day", "Enter the date of birth"),
                                ("#household-0-relationship", "Enter the relationship"),
                                ("#household-0-role", "Select whether the person is an adult or a child")]),
    ("/refer/household/0", person(0, {**SAM, "date_of_birth-year": "2099"}),
     [("#household-0-date_of_birth-day", "Date of birth must be today or in the past")]),
    ("/refer/household/0", person(0, {**SAM, "date_of_birth-day": "31", "date_of_birth-month": "2"}),
     [("#household-0-date_of_birth-day", "Date of birth must be a real date")]),
    ("/refer/address", {}, [("#address-line_1", "Enter address line 1, typically the building and street"),
                            ("#address-town", "Enter town or city"), ("#address-postcode", "Enter postcode"),
                            ("#district", "Select the district")]),
    ("/refer/address", {**ADDRESS, "address-postcode": "nowhere", "district": "atlantis"},
     [("#address-postcode", "Enter a full UK postcode"), ("#district", "Select the district")]),
    ("/refer/reasons", {"reasons": "   "}, [("#reasons", "Enter the reasons for the referral")]),
    ("/refer/consent", {}, [("#consent", "Confirm the family has consented to this referral")]),
]


@pytest.mark.parametrize(("url", "data", "expected"), PAGE_ERRORS)
def test_each_page_shows_the_registry_messages_and_stores_nothing(client: FlaskClient, journey: Journey,
                                                                  url: str, data: dict[str, str],
                                                                  expected: list[tuple[str, str]]) -> None:
    response = post(client, url, data)
    assert response.status_code == 400
    page = Page(response)
    assert page.title.startswith("Error: ") and page.text(".govuk-error-summary__title") == "There is a problem"
    assert page.error_summary_links == expected
    assert counts() == (0, 0, 0)


def test_the_add_another_question_needs_an_answer(client: FlaskClient, journey: Journey) -> None:
    post(client, "/refer/household/0", person(0, SAM))
    before = db.session.scalars(select(ReferralDraft.answers)).one()
    response = post(client, "/refer/household", {})
    assert response.status_code == 400
    assert Page(response).error_summary_links == [
        ("#add_another", "Select yes if you need to add another household member")]
    db.session.expire_all()
    assert db.session.scalars(select(ReferralDraft.answers)).one() == before
    assert counts()[:2] == (0, 0)


def test_a_partner_lands_on_the_form_and_sends_a_referral(client: FlaskClient, journey: Journey) -> None:
    with_passwords("partner")
    assert sign_in(client, "partner").location == "/"
    assert client.get("/").location == "/refer"
    assert Page(client.get("/refer")).text(".govuk-button--start") == "Start now"
    fill(client, [SAM, ALEX])
    check = Page(client.get("/refer/check"))
    shown = answers(check)
    for answer in ("Pat Jones", "Meadow Primary School", "Sam Smith", "Alex Smith", "1 June 1985", "Son",
                   "1 Station Road Newark NG24 1AB", "Newark and Sherwood", "Alex is often absent from school.",
                   "The family has consented to this referral", "Not given"):
        assert answer in shown, (answer, shown)
    [address] = [value for value in check.select(".govuk-summary-list__value")
                 if " ".join(value.get_text(" ").split()) == "1 Station Road Newark NG24 1AB"]
    assert "1 Station Road<br/>Newark<br/>NG24 1AB" in address.decode_contents()  # a line each
    response = send(client)
    referral = db.session.scalars(select(Referral)).one()
    assert response.location == f"/refer/confirmation/{referral.ref}"
    confirmation = referral_sent(client.get(response.location))
    assert confirmation.text(".govuk-panel strong#referral-ref") == referral.ref
    assert referral.submitted_by == "partner" and referral.referrer["organisation"] == "Meadow Primary School"
    assert [(p.given_name, p.role) for p in db.session.scalars(select(Person).order_by(Person.id))] == [
        ("Sam", "adult"), ("Alex", "child")]
    assert counts() == (1, 1, 0)  # the draft is gone: the answers live in the referral now
    status = journey.api.get(f"/api/v1/referrals/{referral.ref}", as_="partner").get_json()
    assert status["status"] == "received" and "Status: Received" in confirmation.texts("p")  # as the API says


def test_household_members_are_added_changed_and_removed(client: FlaskClient, journey: Journey) -> None:
    post(client, "/refer/referrer", REFERRER)
    ada = {**ALEX, "given_name": "Ada"}
    for index, answers in enumerate((SAM, ALEX, ada)):
        post(client, f"/refer/household/{index}", person(index, answers))
    listing = Page(client.get("/refer/household"))
    assert listing.h1 == "You have added 3 household members"
    assert listing.text('.govuk-summary-list__actions a[href="/refer/household/1/remove"]') == "Remove Alex Smith"
    assert listing.text('.govuk-summary-list__actions a[href="/refer/household/2"]') == "Change Ada Smith"
    remove = Page(client.get("/refer/household/1/remove"))
    assert remove.h1 == "Are you sure you want to remove Alex Smith?"
    assert post(client, "/refer/household/1/remove", {}).location == "/refer/household"
    changed = post(client, "/refer/household/0", person(0, {**SAM, "given_name": "Samantha"}))
    assert changed.location == "/refer/household"
    listing = Page(client.get("/refer/household"))
    assert listing.h1 == "You have added 2 household members"
    assert list(listing.summary_list()) == ["Samantha Smith", "Ada Smith"]
    assert "Alex Smith" not in listing.html  # anywhere on the page
    assert client.get("/refer/household/5").status_code == 404  # only the next new member, never a gap
    assert client.get("/refer/household/2/remove").status_code == 404
    for index in (1, 0):
        post(client, f"/refer/household/{index}/remove", {})
    assert client.get("/refer/household").location == "/refer/household/0"  # nobody left: ask for the first


def test_change_links_come_back_to_check_your_answers(client: FlaskClient, journey: Journey) -> None:
    fill(client, [SAM, ALEX])
    check = Page(client.get("/refer/check"))
    for href in ("/refer/referrer?return=check", "/refer/household/1?return=check", "/refer/address?return=check",
                 "/refer/reasons?return=check", "/refer/consent?return=check", "/refer/household?return=check"):
        assert check.select(f'main a[href="{href}"]'), href
    page = Page(client.get("/refer/reasons?return=check"))
    assert page.select_one("main form")["action"] == "/refer/reasons?return=check"
    assert page.text('textarea[name="reasons"]') == "Alex is often absent from school."
    assert post(client, "/refer/reasons?return=check", {"reasons": "Changed."}).location == "/refer/check"
    assert post(client, "/refer/household/1?return=check", person(1, {**ALEX, "relationship": "Stepson"})
                ).location == "/refer/check"
    assert post(client, "/refer/household?return=check", {"add_another": "yes"}).location == \
        "/refer/household/2?return=check"
    assert post(client, "/refer/household/2?return=check", person(2, {**ALEX, "given_name": "Ada"})
                ).location == "/refer/household?return=check"  # a new member: back to the list first
    assert post(client, "/refer/household?return=check", {"add_another": "no"}).location == "/refer/check"
    shown = answers(Page(client.get("/refer/check")))
    assert "Changed." in shown and "Stepson" in shown and "Ada Smith" in shown


def test_a_double_click_or_a_resubmitted_page_makes_one_referral(client: FlaskClient,
                                                                 journey: Journey) -> None:
    fill(client, [SAM])
    page = Page(client.get("/refer/check"))
    form = {"csrf_token": csrf(page.html), "submit_key": submit_key(page)}
    first = client.post("/refer/check", data=form)
    again = client.post("/refer/check", data=form)  # the second click, or the back button and send again
    assert first.location == again.location and first.location.startswith("/refer/confirmation/R-")
    assert client.get("/refer/check").location == "/refer"  # nothing left to send
    assert client.post("/refer/check", data=form).location == first.location
    assert counts() == (1, 1, 0)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_a_key_from_before_a_change_sends_nothing(client: FlaskClient, journey: Journey) -> None:
    fill(client, [SAM])
    page = Page(client.get("/refer/check"))
    old = submit_key(page)
    post(client, "/refer/reasons?return=check", {"reasons": "Changed after the check page."})
    stale = client.post("/refer/check", data={"csrf_token": csrf(page.html), "submit_key": old})
    assert stale.location == "/refer/check"  # shown the answers that would be sent, with a new key
    assert counts()[:2] == (0, 0)
    again = Page(client.get("/refer/check"))
    assert old not in again.html and submit_key(again) not in ("", old)


def test_the_confirmation_is_only_for_the_session_that_sent_it(client: FlaskClient, journey: Journey,
                                                               ctx: Any) -> None:
    journey.api.user("partner2", "referrer")
    with_passwords("partner", "partner2", "ehu1", "admin")
    sign_in(client, "partner")
    fill(client, [SAM])
    url = send(client).location
    assert client.get(url).status_code == 200
    not_found = main(ctx.test_client().get("/refer/confirmation/R-2099-999999"))
    for other in ("partner2", "ehu1", "admin", None):  # another person, or the public in another browser
        browser = ctx.test_client()
        if other:
            sign_in(browser, other)
        response = browser.get(url)
        assert response.status_code == 404 and main(response) == not_found, other
    other_session = ctx.test_client()
    sign_in(other_session, "partner")  # the same person in another browser is another session
    assert other_session.get(url).status_code == 404
    logged = db.session.scalars(select(AccessLog).where(AccessLog.resource_type == "referral")).all()
    assert [entry.status_code for entry in logged].count(404) == 6 and len(logged) == 7


def test_the_public_refer_signed_out(client: FlaskClient, journey: Journey) -> None:
    assert "refer a family to Early Help" in Page(client.get("/sign-in")).texts('main a[href="/refer"]')
    start = client.get("/refer")
    assert start.status_code == 200 and Page(start).text(".govuk-button--start") == "Start now"
    fill(client, [SAM, ALEX])
    url = send(client).location
    referral_sent(client.get(url))
    referral = db.session.scalars(select(Referral)).one()
    assert referral.submitted_by == "(public)"  # the public pseudo-actor: no account is ever this
    assert counts() == (1, 1, 0)


def test_people_who_may_not_refer_are_told_so(client: FlaskClient, journey: Journey) -> None:
    with_passwords("cm1")
    sign_in(client, "cm1")
    for url in ("/refer", "/refer/referrer", "/refer/check"):
        response = client.get(url)
        assert response.status_code == 403
        assert Page(response).text("h1 + p").startswith("Your account cannot make referrals")
    assert post(client, "/refer/referrer", REFERRER).status_code == 403
    assert counts() == (0, 0, 0)


def test_a_big_household_stays_out_of_the_cookie(client: FlaskClient, journey: Journey) -> None:
    long_name = "Bartholomew-Fitzwilliam-" + "x" * 76  # as long as a name may be: 100 characters
    members = [{**ALEX, "given_name": f"Child{n}", "family_name": long_name, "relationship": "Child " * 16}
               for n in range(8)]
    fill(client, members)
    cookie = client.get_cookie("session")
    assert cookie is not None and len(cookie.value) < 1000
    titles = Page(client.get("/refer/check")).texts(".govuk-summary-card__title")
    assert titles == [f"Child{n} {long_name}" for n in range(8)]
    send(client)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 8


def referrer_name(client: FlaskClient) -> str:
    """The referrer's name as the referrer page fills it in."""
    return str(Page(client.get("/refer/referrer")).select_one('input[name="referrer-name"]').get("value", ""))


def test_abandoned_drafts_expire(client: FlaskClient, journey: Journey, ctx: Any) -> None:
    post(client, "/refer/referrer", REFERRER)
    assert referrer_name(client) == "Pat Jones"
    journey.clock(advance="PT25H")
    expired = client.get("/refer/referrer")
    assert "Pat Jones" not in expired.get_data(as_text=True)  # anywhere on the page
    assert Page(expired).select_one('input[name="referrer-name"]').get("value", "") == ""
    post(ctx.test_client(), "/refer/referrer", REFERRER)  # someone else starts: the abandoned one is purged
    assert counts() == (0, 0, 1)


def test_a_timed_out_partner_keeps_their_answers(client: FlaskClient, journey: Journey) -> None:
    with_passwords("partner")
    sign_in(client, "partner")
    post(client, "/refer/referrer", REFERRER)
    token = csrf(client.get("/refer/reasons").get_data(as_text=True))
    journey.clock(advance="PT31M")
    response = client.post("/refer/reasons", data={"csrf_token": token, **REASONS})
    assert response.location == "/sign-in?next=%2Frefer%2Freasons&timeout=1"
    sign_in(client, "partner")
    assert Page(client.get("/refer/reasons")).text('textarea[name="reasons"]') == "Alex is often absent from school."
    assert referrer_name(client) == "Pat Jones"
    assert counts() == (0, 0, 1)


def test_a_second_click_while_the_first_is_being_sent_waits_for_it(client: FlaskClient,
                                                                   journey: Journey) -> None:
    """The first click has claimed the key and not finished: the second one sends nothing and says so."""
    fill(client, [SAM])
    page = Page(client.get("/refer/check"))
    key = submit_key(page)
    answers = drafts.answers(db.session.scalars(select(ReferralDraft)).one())
    body = referral_intake.digest(collect(list(specs().values()), answers))
    claim = IdempotentRequest(username="(public)", key=key, body_sha256=body, created_at=datetime.now(UTC))
    db.session.add(claim)
    db.session.commit()
    waiting = client.post("/refer/check", data={"csrf_token": csrf(page.html), "submit_key": key})
    assert waiting.status_code == 409
    assert Page(waiting).h1 == "Your referral is being sent"
    assert counts() == (0, 0, 1)
    claim.response = {"referral_ref": "R-2027-000042"}  # the first click finishes
    db.session.commit()
    shown = client.post("/refer/check", data={"csrf_token": csrf(page.html), "submit_key": key})
    assert shown.location == "/refer/confirmation/R-2027-000042"
    assert counts() == (0, 0, 1)


@pytest.mark.parametrize("username", ["ehu1", "admin"])
def test_the_early_help_unit_and_admins_may_refer_too(client: FlaskClient, journey: Journey,
                                                      username: str) -> None:
    with_passwords(username)
    sign_in(client, username)
    fill(client, [SAM])
    referral_sent(client.get(send(client).location))
    assert db.session.scalars(select(Referral.submitted_by)).one() == username
