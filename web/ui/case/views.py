"""A family's case page and its diagrams: for those who may read the family, the one 404 for anyone else.

Both views are access-logged (``logs_access``), refusals included; the read model is
``workflows.read.case_view`` and the diagrams' markers come from ``workflows.read.case_journey``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, url_for
from flask.typing import ResponseReturnValue

from web.access_log import logs_access
from web.extensions import db
from web.ui.auth.session import current_actor, signed_in
from web.ui.case import bp
from web.ui.case.context import district_label
from web.ui.errors import html_error
from web.wiring import get_engine
from workflows.access import readable_family
from workflows.models import Family
from workflows.read.case_journey import diagrams_of, instance_files
from workflows.read.case_view import CaseView, build_case, family_instances


def _readable(ref: str) -> Family | None:
    return readable_family(db.session(), current_actor(), ref)


def _diagrams_json(view: CaseView) -> dict[str, Any]:
    """What the diagram script needs: each diagram's URL and its current and completed element ids."""
    ref = view.family.ref
    return {"selected": next((n for n, d in enumerate(view.diagrams) if d is view.selected), 0),
            "diagrams": [{"url": url_for("case.case_diagram", ref=ref, instance_id=d.instance_id,
                                         process_id=d.process_id),
                          "title": d.title, "current": d.current, "completed": d.completed} for d in view.diagrams]}


@bp.get("/families/<ref>")
@logs_access("family", "ref")
@signed_in
def case(ref: str) -> ResponseReturnValue:
    family = _readable(ref)
    if family is None:
        return html_error(404)
    view = build_case(db.session(), family, get_engine().clock.now())
    page = render_template("ui/case/case.html", title=f"Family {family.ref}", case=view,
                           district=district_label(family.district), diagrams_json=_diagrams_json(view))
    return page, 200, {"Cache-Control": "no-store"}  # case data never sits in a shared cache


@bp.get("/families/<ref>/diagram/<int:instance_id>/<process_id>.bpmn")
@logs_access("family", "ref")
@signed_in
def case_diagram(ref: str, instance_id: int, process_id: str) -> ResponseReturnValue:
    """The BPMN file of a process the family is in: only an instance of this family's journey."""
    family = _readable(ref)
    if family is None:
        return html_error(404)
    own, windows = family_instances(db.session(), family)
    instance = next((i for i in own + windows if i.id == instance_id), None)
    if instance is None:
        return html_error(404)
    drawn = instance_files(db.session(), instance).get(process_id)
    diagrams, _ = diagrams_of(db.session(), instance, family.ref or "")
    if drawn is None or not any(d.process_id == process_id for d in diagrams):
        return html_error(404)  # only a process this family is or was in
    response = Response(drawn.xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "no-store"
    return response
