"""The generic start (``POST /api/v1/instances``), with the domain's own processes kept to their own rules.

``family_referral`` and ``claim_window`` name no starters, so only administrators start them here; and
what an administrator gives is validated by the same schema as the domain's own endpoint (the
``referral`` form, ``forms.claims.ClaimWindowSetUp``) and goes through the same service, so a referral
received "in 2001" from someone else, or a window that closes before its cut-off, cannot start this
way either. Every other process is the engine's: its ``starters`` property decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.models import Instance
from engine.runtime import Engine, InstanceRef
from forms.claims import ClaimWindowSetUp
from workflows.access import FAMILY_PROCESS, WINDOW_PROCESS
from workflows.errors import Invalid
from workflows.services import intake
from workflows.services.claim_windows import open_claim_window
from workflows.services.settings import require_admin

# The key each domain process's start data is given under: the one its own endpoint writes.
DOMAIN_STARTS = {FAMILY_PROCESS: "referral", WINDOW_PROCESS: "window"}


def start_instance(db: Session, engine: Engine, actor: Actor, process_id: str, business_key: str | None,
                   data: Mapping[str, Any], *, version: int | None = None) -> InstanceRef:
    """NotAllowed for anyone but an administrator for a domain process; Invalid with the field errors
    (under the data key) for a body its endpoint would refuse; the engine's own refusals otherwise."""
    key = DOMAIN_STARTS.get(process_id)
    if key is None:
        return engine.start(process_id, business_key, data, actor, version=version)
    require_admin(actor)
    body = _only(data, key)
    if process_id == FAMILY_PROCESS:
        return engine.start(process_id, None, intake.start_data(engine, actor, body), actor, version=version)
    try:
        window = ClaimWindowSetUp().load(body)
    except ValidationError as error:
        raise Invalid("the claim window has errors", details=error.messages) from error
    row = open_claim_window(db, engine, actor, window["name"], window["local_cutoff_at"], window["closes_at"])
    instance = db.get(Instance, row.instance_id)
    assert instance is not None  # the row was written by the instance's own first step
    return InstanceRef(instance.id, instance.status)


def _only(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The one object the domain's endpoint would have sent; anything else beside it is refused."""
    extra = sorted(set(data) - {key})
    body = data.get(key)
    if extra or not isinstance(body, Mapping):
        details = {k: ["Unknown field."] for k in extra} | ({} if isinstance(body, Mapping) else {
            key: ["An object is required."]})
        raise Invalid("the start data has errors", details=details)
    return body
