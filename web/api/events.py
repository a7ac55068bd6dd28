"""Messages and signals into processes, the manual clock, and the timer sweep."""

from __future__ import annotations

from datetime import datetime

from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.clock import ManualClock
from engine.errors import Forbidden
from web.api import api, json_body
from web.api.auth import current_actor
from web.api.errors import ApiError
from web.api.schemas import SignalResultSchema, StrictSchema, ThrowSignalSchema, moment
from web.extensions import db
from web.timers import sweep_once
from web.wiring import get_engine

DOCUMENTED = ("SendMessageSchema", "SendResultSchema", "ClockMoveSchema", "ClockSchema", "SweepResultSchema")


class SendMessageSchema(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    correlation = fields.Dict(keys=fields.Str(), load_default=dict)
    payload = fields.Dict(keys=fields.Str(), load_default=dict)


class SendResultSchema(Schema):
    delivered = fields.Int()
    kept_until = fields.AwareDateTime(allow_none=True)


class ClockMoveSchema(StrictSchema):
    advance = fields.Str(metadata={"description": "an ISO 8601 duration, e.g. P6M (month ends clamp)"})
    set = moment()

    @validates_schema
    def exactly_one(self, data: dict[str, object], **_: object) -> None:
        if ("advance" in data) == ("set" in data):
            raise ValidationError("Give exactly one of 'advance' or 'set'.", "_schema")


class ClockSchema(Schema):
    now = fields.AwareDateTime()


class SweepResultSchema(Schema):
    fired = fields.Int(metadata={"description": "due instances whose timers fired"})
    failed = fields.Int(metadata={"description": "instances that became incidents"})
    skipped = fields.Int()
    started = fields.Int(metadata={"description": "instances started by timer start events"})
    outbox_delivered = fields.Int()


@api.post("/messages")
def send_message() -> ResponseReturnValue:
    actor = current_actor()
    body = json_body(SendMessageSchema())
    result = get_engine().send_message(body["name"], body["correlation"], body["payload"], actor)
    return SendResultSchema().dump(result), 200 if result.delivered else 202


@api.post("/signals")
def throw_signal() -> ResponseReturnValue:
    actor = current_actor()
    if not actor.is_admin:  # before the body is judged: a broadcast crosses families
        raise Forbidden("only administrators throw signals")
    body = json_body(ThrowSignalSchema())
    return SignalResultSchema().dump(get_engine().throw_signal(body["name"], body["payload"], actor))


def _manual_clock() -> ManualClock:
    clock = get_engine().clock
    if not isinstance(clock, ManualClock):
        raise ApiError(404, "not_found", "the clock can only be moved when CLOCK=manual")
    return clock


@api.get("/clock")
def read_clock() -> ResponseReturnValue:
    current_actor()
    return ClockSchema().dump({"now": get_engine().clock.now()})


@api.post("/clock")
def move_clock() -> ResponseReturnValue:
    clock = _manual_clock()
    actor = current_actor()
    if not actor.is_admin:
        raise Forbidden("only administrators move the clock")
    body = json_body(ClockMoveSchema())
    db.session.rollback()  # the clock moves in its own transaction
    moved: datetime = clock.advance(body["advance"]) if "advance" in body else clock.set(body["set"])
    return ClockSchema().dump({"now": moved})


@api.post("/timers/sweep")
def run_sweep() -> ResponseReturnValue:
    actor = current_actor()
    if not actor.is_admin:
        raise Forbidden("only administrators run the timer sweep by hand")
    result, delivered = sweep_once(batch=1000)
    return SweepResultSchema().dump({**result.as_dict(), "outbox_delivered": delivered})
