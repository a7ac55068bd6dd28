"""The referral pages' shared rules: which questions each page asks, who may submit (the ``referral_page``
guard every referral page wears), page-by-page validation.

Answers are kept as the posted form (``{name: [values]}``, names as web/ui/forms_render.py nests them:
``referrer-name``, ``household-2-date_of_birth-day``), so the whole referral is ``collect``-ed from a
draft exactly as a task form is. A page is validated by the forms registry's ``referral`` form with
only that page's answers, keeping only the errors for that page's questions: the messages are the
registry's, the same ones the API returns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from engine.access import Actor
from engine.identity import actor_for
from engine.models import User
from forms.spec import FieldSpec
from web.extensions import db
from web.ui.auth.session import current_actor, sign_in_url
from web.ui.errors import html_error
from web.ui.forms_render import Answers, collect, error_ids, first
from web.ui.referral import drafts
from web.wiring import get_engine
from workflows.access import may_submit
from workflows.services.intake import PUBLIC

FORM = "referral"
# Question pages and the referral's top-level questions each asks, in the order they are asked.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "referrer": ("referrer",),
    "address": ("address", "district"),
    "reasons": ("reasons",),
    "consent": ("consent",),
}
ORDER = ("referrer", "household", "address", "reasons", "consent", "check")
HOUSEHOLD = "household"
MAX_MEMBERS = 20  # a bound on one referral's size; a bigger household is more than one referral


def specs() -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in get_engine().forms.fields(FORM)}


def submitter() -> tuple[Actor | None, int | None]:
    """Who submits (``None``: signed in, but not allowed to refer) and whose draft it is (``None``: public)."""
    user = g.get("user")
    if user is None:
        return PUBLIC, None
    actor = current_actor()
    return (actor if may_submit(actor) else None), user.id


def refused() -> ResponseReturnValue:
    return html_error(403, "Your account cannot make referrals. Sign out to refer a family as a member of the public.")


def returning() -> dict[str, Any]:
    """``?return=check`` (from a Change link) carried through a page and its form."""
    return {"return": "check"} if request.args.get("return") == "check" else {}


def next_url(page: str) -> str:
    if returning():
        return url_for("referral.referral_check")
    return url_for(f"referral.referral_{ORDER[ORDER.index(page) + 1]}")


def owns(name: str, prefixes: Sequence[str]) -> bool:
    return any(name == p or name.startswith(p + "-") for p in prefixes)


def posted(prefixes: Sequence[str]) -> Answers:
    """This page's answers from the posted form (anything else posted is ignored, never stored)."""
    form = request.form.to_dict(flat=False)
    return {k: [str(v) for v in values] for k, values in form.items() if owns(k, prefixes)}


def merge(answers: Answers, prefixes: Sequence[str], new: Answers) -> Answers:
    kept = {k: v for k, v in answers.items() if not owns(k, prefixes)}
    return {**kept, **new}


def _validate(data: Mapping[str, Any]) -> dict[str, str]:
    try:
        get_engine().forms.validate(FORM, data, {})
    except ValidationError as error:
        return error_ids(error.messages)
    return {}


def page_errors(names: Sequence[str], answers: Answers) -> dict[str, str]:
    """The registry's messages for this page's questions only: {element id: message}."""
    page_specs = [specs()[name] for name in names]
    data = collect(page_specs, answers)
    for spec in page_specs:
        if spec.widget == "fieldset":  # blank: ask each question of it, not "enter the details"
            data.setdefault(spec.name, {})
    return {element: message for element, message in _validate(data).items() if owns(element, names)}


def member_count(answers: Answers) -> int:
    counted = first(answers, f"{HOUSEHOLD}-count")
    return int(counted) if counted.isdigit() else 0


def member(answers: Answers, index: int) -> dict[str, Any]:
    return collect(specs()[HOUSEHOLD].children, answers, f"{HOUSEHOLD}-{index}-")


def member_errors(answers: Answers, index: int) -> dict[str, str]:
    found = _validate({HOUSEHOLD: [member(answers, index)]})
    zero, mine = f"{HOUSEHOLD}-0-", f"{HOUSEHOLD}-{index}-"
    return {mine + element[len(zero):]: message for element, message in found.items() if element.startswith(zero)}


def first_incomplete(messages: Any) -> str:
    """The first page (in the order asked) with a missing or wrong answer, for the full form's errors."""
    pages: list[tuple[int, str]] = []
    for element in error_ids(messages):
        top, _, rest = element.partition("-")
        if top == HOUSEHOLD:
            index = rest.partition("-")[0]
            url = (url_for("referral.referral_member", index=int(index)) if index.isdigit()
                   else url_for("referral.referral_household"))
            pages.append((ORDER.index(HOUSEHOLD), url))
            continue
        for page, names in QUESTIONS.items():
            if top in names:
                pages.append((ORDER.index(page), url_for(f"referral.referral_{page}")))
    return min(pages)[1] if pages else url_for("referral.referral_referrer")


def referral_page(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Refuses signed-in people who may not refer; a timed-out session signs in again first."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if g.get("expired_user_id"):
            if request.method == "POST":
                _keep_expired_answers(g.expired_user_id)
            return redirect(sign_in_url(request.path, timeout="1"))
        if submitter()[0] is None:
            return refused()
        return view(*args, **kwargs)

    return wrapper


def _keep_expired_answers(user_id: int) -> None:
    """A timed-out post is not acted on, but its answers join that person's draft (unchecked: the check
    page validates everything again), so signing in again loses nothing."""
    user = db.session.get(User, user_id)
    if user is None or not may_submit(actor_for(db.session(), user)):
        return
    answers = drafts.answers(drafts.current(user_id))
    new = posted([*QUESTIONS, HOUSEHOLD])
    new.pop(f"{HOUSEHOLD}-count", None)
    indexes = [int(k.split("-")[1]) for k in new if k.startswith(f"{HOUSEHOLD}-") and k.split("-")[1].isdigit()]
    before = member_count(answers)
    count = max([before, *(i + 1 for i in indexes if i <= before and i < MAX_MEMBERS)])
    drafts.save(user_id, {**answers, **new, f"{HOUSEHOLD}-count": [str(count)]})
