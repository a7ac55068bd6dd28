"""What people do to human tasks: complete (inside the instance's transaction), claim and release."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.orm import Session

from engine import spiff
from engine.access import Actor, may_do, may_release, may_see
from engine.errors import Conflict, Forbidden, Invalid
from engine.models import HumanTask, Instance, TaskStatus
from engine.queries import get_actionable_task
from engine.steps import Projector, StepContext
from engine.transaction import Action


class Validator(Protocol):
    def validate(self, key: str, data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        ...


def claimed_by_another(row: HumanTask, actor: Actor) -> Conflict:
    holder = row.assignee if may_see(actor, row) else "someone else"
    return Conflict(f"the task is claimed by {holder}", task_id=row.id, code="claimed_by_another")


def check_may_complete(row: HumanTask, actor: Actor) -> None:
    if row.state != TaskStatus.OPEN:
        raise Conflict(f"the task is already {row.state}", task_id=row.id, code="task_not_open")
    if not may_do(actor, row):
        raise Forbidden("you may not do this task", task_id=row.id)
    if row.assignee is not None and row.assignee != actor.username:
        raise claimed_by_another(row, actor)


def validated(forms: Validator, form_key: str | None, data: Mapping[str, Any], context: Mapping[str, Any],
              task_id: str) -> dict[str, Any]:
    """The data to store: the form's JSON-safe dump, or (no form) any JSON object as it is."""
    if not isinstance(data, Mapping):
        raise Invalid("task data must be a JSON object", task_id=task_id, details={"data": ["Must be an object."]})
    if not form_key:
        return dict(data)
    try:
        return forms.validate(form_key, data, context)
    except ValidationError as error:
        raise Invalid("the form has errors", task_id=task_id, details=error.messages) from error


def complete_action(forms: Validator, task_id: str, data: Mapping[str, Any], actor: Actor) -> Action[None]:
    """The engine action that completes a user task; it re-checks everything under the instance lock."""

    def run_user_task(workflow: spiff.Workflow, ctx: StepContext) -> None:
        row = ctx.session.get(HumanTask, task_id, populate_existing=True)
        assert row is not None
        check_may_complete(row, actor)
        task = spiff.find_task(workflow, task_id)
        if task is None or not spiff.is_ready(task):
            raise Conflict("the task is no longer open", task_id=task_id, code="task_not_open")
        stored = validated(forms, row.form_key, data, task.data, task_id)
        if row.form_key:
            task.data[row.form_key] = stored  # under its form key, so forms never overwrite each other
        else:
            task.data.update(stored)
        task.run()
        row.assignee = row.assignee or actor.username
        row.completed_by = actor.username
        ctx.handled.add(task_id)
        ctx.record("task_completed", task_id=task_id, bpmn_id=row.bpmn_id, data=stored)

    return run_user_task


def set_assignee(session: Session, task_id: str, actor: Actor, *, claim: bool, now: datetime,
                 projectors: Sequence[Projector]) -> HumanTask:
    """Claim for the caller, or release; a conditional update, so of two at once exactly one wins."""
    try:
        row = get_actionable_task(session, actor, task_id)
        if row.state != TaskStatus.OPEN:
            raise Conflict(f"the task is already {row.state}", task_id=task_id, code="task_not_open")
        condition: ColumnElement[bool]
        if claim:
            if not may_do(actor, row):
                raise Forbidden("you may not do this task", task_id=task_id)
            condition = or_(HumanTask.assignee.is_(None), HumanTask.assignee == actor.username)
            new_assignee: str | None = actor.username
        else:
            if row.assignee is None:
                raise Conflict("the task is not claimed", task_id=task_id, code="not_claimed")
            if not may_release(actor, row):
                raise Forbidden("only the assignee or their team manager may release this task", task_id=task_id)
            condition = HumanTask.assignee == row.assignee
            new_assignee = None
        return move_assignee(session, row, condition, new_assignee, actor=actor, now=now, projectors=projectors,
                             kind="task_claimed" if claim else "task_unclaimed", data={"assignee": new_assignee},
                             lost=("the task was claimed by someone else", "claimed_by_another"))
    except BaseException:
        session.rollback()
        raise


def move_assignee(session: Session, row: HumanTask, condition: ColumnElement[bool], assignee: str | None, *,
                  actor: Actor, now: datetime, projectors: Sequence[Projector], kind: str, data: dict[str, Any],
                  lost: tuple[str, str]) -> HumanTask:
    """Set the assignee only if ``condition`` still holds (of two at once, exactly one wins), record the
    event and commit; ``lost`` is the (message, code) of the 409 for the one that loses."""
    # The instance first, as every step locks it before its task rows (no deadlock): its lock numbers the event.
    instance = session.get(Instance, row.instance_id, with_for_update=True, populate_existing=True)
    assert instance is not None
    result = session.execute(
        update(HumanTask).where(HumanTask.id == row.id, HumanTask.state == TaskStatus.OPEN, condition)
        .values(assignee=assignee)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(lost[0], task_id=row.id, code=lost[1])
    StepContext(session, instance, actor, now, projectors).record(kind, task_id=row.id, bpmn_id=row.bpmn_id,
                                                                   data=data)
    session.commit()
    session.refresh(row)
    return row
