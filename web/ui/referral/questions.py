"""The referral form for partner agencies and the public, in GOV.UK question pages.

One thing per page: who is referring, the household (add another: add, list with change and remove,
continue), the address and district, the reasons, consent; then check your answers and the
confirmation (web/ui/referral/check.py). Open to the public signed out and to the ``referrer``,
``early_help_unit`` and ``admin`` groups signed in. Answers live in a server-side draft
(web/ui/referral/drafts.py); a page with errors is shown again with the registry's messages and
nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from web.ui.errors import html_error
from web.ui.forms_controls import build_controls, summary
from web.ui.forms_render import Answers, remove_row
from web.ui.referral import bp, drafts
from web.ui.referral.flow import (
    HOUSEHOLD,
    MAX_MEMBERS,
    ORDER,
    QUESTIONS,
    member,
    member_count,
    member_errors,
    merge,
    next_url,
    page_errors,
    posted,
    referral_page,
    returning,
    specs,
    submitter,
)

ADD_ANOTHER_MESSAGE = "Select yes if you need to add another household member"
# What the forms registry leaves to the page: consent needs saying what is agreed to.
PAGE_HINTS = {"consent": "The family must agree to this referral, and to the council sharing what you tell us "
                         "with the services that can help them."}


def _answers() -> Answers:
    return drafts.answers(drafts.current(submitter()[1]))


def _save(answers: Answers) -> None:
    drafts.save(submitter()[1], answers)


@bp.get("/refer")
@referral_page
def referral_start() -> ResponseReturnValue:
    return render_template("ui/referral/start.html", title="Refer a family to Early Help")


def _question(page: str) -> ResponseReturnValue:
    names = QUESTIONS[page]
    answers = _answers()
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers = merge(answers, names, posted(names))
        errors = page_errors(names, answers)
        if not errors:
            _save(answers)
            return redirect(next_url(page))
    controls = build_controls([specs()[name] for name in names], answers, errors, {})
    heading = controls[0]
    if heading.macro in ("textarea", "input", "select"):  # one question: its label is the page heading
        heading.params["label"] = {"text": heading.label, "classes": "govuk-label--l", "isPageHeading": True}
    elif heading.macro in ("radios", "checkboxes"):
        heading.params["fieldset"] = {"legend": {"text": heading.label, "classes": "govuk-fieldset__legend--l",
                                                 "isPageHeading": True}}
    if page in PAGE_HINTS and "hint" not in heading.params:
        heading.params["hint"] = {"text": PAGE_HINTS[page]}
    previous = ORDER[ORDER.index(page) - 1] if page != ORDER[0] else None
    back = (url_for("referral.referral_check") if returning() else
            url_for(f"referral.referral_{previous}") if previous else url_for("referral.referral_start"))
    return render_template("ui/referral/question.html", title=heading.label, controls=controls, back=back,
                           action=url_for(f"referral.referral_{page}", **returning()),
                           errors=summary(controls, errors) if errors else []), 400 if errors else 200


def _question_view(page: str) -> Callable[[], ResponseReturnValue]:
    def view() -> ResponseReturnValue:
        return _question(page)

    view.__name__ = f"referral_{page}"
    return referral_page(view)


for _page in QUESTIONS:
    bp.add_url_rule(f"/refer/{_page}", f"referral_{_page}", _question_view(_page), methods=["GET", "POST"])


@bp.route("/refer/household", methods=["GET", "POST"])
@referral_page
def referral_household() -> ResponseReturnValue:
    answers = _answers()
    count = member_count(answers)
    if count == 0:
        return redirect(url_for("referral.referral_member", index=0, **returning()))
    error = None
    if request.method == "POST":
        choice = request.form.get("add_another")
        if count < MAX_MEMBERS and choice == "yes":
            return redirect(url_for("referral.referral_member", index=count, **returning()))
        if count >= MAX_MEMBERS or choice == "no":
            return redirect(next_url("household"))
        error = ADD_ANOTHER_MESSAGE
    members = [member(answers, i) for i in range(count)]
    return render_template(
        "ui/referral/household.html", title="Household members", members=members, may_add=count < MAX_MEMBERS,
        error=error, errors=[{"text": error, "href": "#add_another"}] if error else [], back=url_for(
            "referral.referral_check") if returning() else url_for("referral.referral_referrer"), returning=returning(),
    ), 400 if error else 200


@bp.route("/refer/household/<int:index>", methods=["GET", "POST"])
@referral_page
def referral_member(index: int) -> ResponseReturnValue:
    answers = _answers()
    count = member_count(answers)
    if not 0 <= index <= count or index >= MAX_MEMBERS:
        return html_error(404)
    prefix = f"{HOUSEHOLD}-{index}"
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers = merge(answers, [prefix], posted([prefix]))
        errors = member_errors(answers, index)
        if not errors:
            answers[f"{HOUSEHOLD}-count"] = [str(max(count, index + 1))]
            _save(answers)
            if returning() and index < count:  # a Change link: straight back to check your answers
                return redirect(url_for("referral.referral_check"))
            return redirect(url_for("referral.referral_household", **returning()))
    controls = build_controls(specs()[HOUSEHOLD].children, answers, errors, {}, f"{prefix}-")
    back = url_for("referral.referral_check") if returning() and index < count else (
        url_for("referral.referral_household", **returning()) if count else url_for("referral.referral_referrer"))
    title = "Add a household member" if index >= count else "Change a household member's details"
    return render_template("ui/referral/member.html", title=title, controls=controls, back=back, number=index + 1,
                           action=url_for("referral.referral_member", index=index, **returning()),
                           errors=summary(controls, errors) if errors else []), 400 if errors else 200


@bp.route("/refer/household/<int:index>/remove", methods=["GET", "POST"])
@referral_page
def referral_remove(index: int) -> ResponseReturnValue:
    answers = _answers()
    count = member_count(answers)
    if not 0 <= index < count:
        return html_error(404)
    if request.method == "POST":
        answers = remove_row(answers, HOUSEHOLD, index)
        answers[f"{HOUSEHOLD}-count"] = [str(count - 1)]
        _save(answers)
        return redirect(url_for("referral.referral_household", **returning()))
    person = member(answers, index)
    name = f"{person.get('given_name', '')} {person.get('family_name', '')}".strip() or f"person {index + 1}"
    return render_template("ui/referral/remove.html", title=f"Are you sure you want to remove {name}?", name=name,
                           action=url_for("referral.referral_remove", index=index, **returning()),
                           back=url_for("referral.referral_household", **returning()))

