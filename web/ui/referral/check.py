"""Check your answers, send, and the confirmation with the referral reference.

The check page issues a one-time submission key with the answers it shows; sending posts that key,
which is the intake's idempotency key (workflows/services/intake.py, the same intake as the API). So a double
click, a resubmitted or back-buttoned check page finds the referral the key already made and shows the
same confirmation: never a second referral. A key from a page whose answers have since changed is not
sent: the check page is shown again. The confirmation is only for the browser session that sent it
(docs/sources/DESIGN.md: a referrer sees only their own submission's confirmation); anyone else gets the 404.
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape
from marshmallow import ValidationError

from forms.choices import DISTRICTS, GENDERS, ROLES
from web.access_log import logs_access
from web.extensions import db
from web.ui.errors import domain_error_page, html_error
from web.ui.forms_render import collect
from web.ui.referral import bp, drafts
from web.ui.referral.flow import FORM, first_incomplete, referral_page, specs, submitter
from web.ui.timefmt import long_date
from web.wiring import get_engine
from workflows.errors import DomainError
from workflows.services import intake

LABELS = {"district": dict(DISTRICTS), "role": dict(ROLES), "gender": dict(GENDERS)}


def _row(key: str, value: str | None, href: str, hidden: str, html: str | None = None) -> dict[str, Any]:
    shown = {"html": html} if html is not None else {"text": value or "Not given"}
    return {"key": {"text": key}, "value": shown,
            "actions": {"items": [{"href": href, "text": "Change", "visuallyHiddenText": hidden.lower()}]}}


def _sections(data: dict[str, Any]) -> dict[str, Any]:
    """The summary lists' rows: each Change link returns here (``?return=check``)."""
    def back(endpoint: str, **args: Any) -> str:
        query: dict[str, Any] = {**args, "return": "check"}
        return url_for(endpoint, **query)

    referrer = data["referrer"]
    about = [_row(label, referrer.get(name), back("referral.referral_referrer"), label) for name, label in (
        ("name", "Full name"), ("organisation", "Organisation"), ("role", "Role"), ("email", "Email address"),
        ("phone", "Telephone number"))]
    people = []
    for index, person in enumerate(data["household"]):
        name = f"{person['given_name']} {person['family_name']}"
        href = back("referral.referral_member", index=index)
        people.append({"name": name, "href": href, "rows": [
            {"key": {"text": "Date of birth"}, "value": {"text": long_date(person["date_of_birth"])}},
            {"key": {"text": "Relationship"}, "value": {"text": person["relationship"]}},
            {"key": {"text": "Adult or child"}, "value": {"text": LABELS["role"][person["role"]]}},
            {"key": {"text": "Gender"}, "value": {"text": LABELS["gender"].get(person.get("gender", ""), "Not given")}},
        ]})
    address = data["address"]
    lines = [address.get(part) for part in ("line_1", "line_2", "town", "postcode") if address.get(part)]
    place = [
        _row("Address", None, back("referral.referral_address"), "Address",
             html="<br>".join(str(escape(line)) for line in lines)),
        _row("District", LABELS["district"][data["district"]], back("referral.referral_address"), "District"),
    ]
    reasons = [_row("Reasons for the referral", data["reasons"], back("referral.referral_reasons"), "Reasons")]
    consent = [_row("Consent", "The family has consented to this referral", back("referral.referral_consent"),
                    "Consent")]
    return {"about": about, "people": people, "place": place, "reasons": reasons, "consent": consent}


@bp.get("/refer/check")
@referral_page
def referral_check() -> ResponseReturnValue:
    draft = drafts.current(submitter()[1])
    if draft is None:
        return redirect(url_for("referral.referral_start"))
    payload = collect(list(specs().values()), drafts.answers(draft))
    try:
        data = get_engine().forms.validate(FORM, payload, {})
    except ValidationError as error:
        return redirect(first_incomplete(error.messages))
    key = drafts.issue_key(draft)
    return render_template("ui/referral/check.html", title="Check your answers before sending your referral",
                           sections=_sections(data), submit_key=key)


def _confirmation(referral_ref: str) -> ResponseReturnValue:
    drafts.remember(referral_ref)
    return redirect(url_for("referral.referral_confirmation", ref=referral_ref))


@bp.post("/refer/check")
@referral_page
def referral_send() -> ResponseReturnValue:
    actor, owner = submitter()
    assert actor is not None  # referral_page refused everyone else
    key = request.form.get("submit_key", "").strip()[:64]
    earlier = intake.earlier_answer(db.session(), actor, key) if key else None
    if earlier is not None:  # sent already (a double click, a resubmitted page): the same confirmation
        return _confirmation(str(earlier["referral_ref"]))
    draft = drafts.current(owner)
    if draft is None:
        return redirect(url_for("referral.referral_start"))
    if not key or key != draft.submit_key:  # an old page: show the answers that would be sent
        return redirect(url_for("referral.referral_check"))
    try:
        body = intake.submit(db.session(), get_engine(), actor, collect(list(specs().values()), drafts.answers(draft)),
                             key)
    except DomainError as error:
        if error.code == "validation_failed":
            return redirect(first_incomplete(error.details))
        if error.code == "idempotency_key_reused":  # the answers changed under this key: check them again
            drafts.withdraw_key(draft)
            return redirect(url_for("referral.referral_check"))
        if error.code == "request_in_progress":  # the first click is still being handled
            return render_template("ui/referral/sending.html", title="Your referral is being sent",
                                   submit_key=key), 409
        return domain_error_page(error)
    drafts.finish(draft, str(body["referral_ref"]))
    return _confirmation(str(body["referral_ref"]))


@bp.get("/refer/confirmation/<ref>")
@logs_access("referral", "ref")
def referral_confirmation(ref: str) -> ResponseReturnValue:
    """Only what ``GET /api/v1/referrals/{ref}`` tells the submitter: the reference, when, and whether triaged."""
    actor, _ = submitter()
    found = intake.own_referral(db.session(), actor, ref) if actor is not None and drafts.sent_here(ref) else None
    if found is None:
        return html_error(404)
    referral, triaged = found
    return render_template("ui/referral/confirmation.html", title="Referral sent", referral=referral,
                           triaged=triaged, signed_in=g.get("user") is not None)
