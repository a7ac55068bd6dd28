"""Conformance: elements that deployed and then went wrong on SpiffWorkflow 3.2 through this engine,
each driven through the API on the manual clock to its end (engine/README.md says what differs)."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import OutboxMessage
from tests.engine.conformance.conftest import Driver
from web.extensions import db


def test_link_events_carry_on_after_the_throw(run: Driver) -> None:
    assert run.deploy("link_events.bpmn").status_code == 201
    instance = run.start("link_events")
    assert run.path(instance) == ["start", "before", "go_on", "come_in", "after", "end"]
    assert run.instance(instance)["data"]["went"] == ["before", "after"]


def test_event_gateway_takes_the_message_when_it_comes_first(run: Driver) -> None:
    assert run.deploy("event_gateway_message.bpmn").status_code == 201
    instance = run.start("event_gateway_message", case_ref="C-1")
    assert run.send("reply", {"case_ref": "C-1"}, answer="yes").json["delivered"] == 1
    assert run.path(instance)[-3:] == ["reply_came", "answered", "end_answered"]
    assert run.status(instance) == "completed" and run.instance(instance)["data"]["outcome"] == "yes"
    assert run.advance("P8D")["fired"] == 0  # the timer branch went with the gateway


def test_event_gateway_takes_the_timer_when_it_comes_first(run: Driver) -> None:
    assert run.deploy("event_gateway_message.bpmn").status_code == 201
    instance = run.start("event_gateway_message", case_ref="C-1")
    assert run.instance(instance)["next_timer_due_at"] is not None
    assert run.advance("P7DT1M")["fired"] == 1
    assert run.path(instance)[-3:] == ["timeout", "give_up", "end_gave_up"] and run.status(instance) == "completed"
    late = run.send("reply", {"case_ref": "C-1"}, answer="yes")
    assert late.json["delivered"] == 0  # nothing waits for it any more


def test_event_gateway_with_a_receive_task_branch(run: Driver) -> None:
    assert run.deploy("event_gateway_receive_task.bpmn").status_code == 201
    answered, timed_out = run.start("event_gateway_receive_task", case_ref="C-1"), \
        run.start("event_gateway_receive_task", case_ref="C-2")
    assert run.send("reply", {"case_ref": "C-1"}, answer="yes").json["delivered"] == 1
    assert run.path(answered)[-3:] == ["reply_came", "answered", "end_answered"]
    assert run.advance("P7DT1M")["fired"] == 1
    assert run.path(timed_out)[-3:] == ["timeout", "give_up", "end_gave_up"]
    assert run.status(answered) == run.status(timed_out) == "completed"


def test_interrupting_timer_event_subprocess_cancels_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_timer_interrupting.bpmn").status_code == 201
    instance = run.start("event_subprocess_timer_interrupting")
    assert run.advance("PT61M")["fired"] == 1
    assert run.cancelled(instance) == ["work"] and run.open_tasks(instance) == []
    assert "handle" in run.path(instance) and "end" not in run.path(instance)
    assert run.status(instance) == "completed"


def test_non_interrupting_timer_event_subprocess_leaves_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_timer_non_interrupting.bpmn").status_code == 201
    instance = run.start("event_subprocess_timer_non_interrupting")
    assert run.advance("PT61M")["fired"] == 1
    assert "handle" in run.path(instance) and run.open_tasks(instance) == ["work"]
    run.complete(instance, "work")
    assert run.path(instance)[-1] == "end" and run.status(instance) == "completed"


def test_interrupting_message_event_subprocess_cancels_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_message_interrupting.bpmn").status_code == 201
    instance = run.start("event_subprocess_message_interrupting", case_ref="C-1")
    assert run.send("stop_now", {"case_ref": "C-1"}).json["delivered"] == 1
    assert run.cancelled(instance) == ["work"] and "handle" in run.path(instance)
    assert run.status(instance) == "completed"


def test_non_interrupting_message_event_subprocess_leaves_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_message_non_interrupting.bpmn").status_code == 201
    instance = run.start("event_subprocess_message_non_interrupting", case_ref="C-1")
    assert run.send("stop_now", {"case_ref": "C-1"}).json["delivered"] == 1
    assert "handle" in run.path(instance) and run.open_tasks(instance) == ["work"]
    run.complete(instance, "work")
    assert run.status(instance) == "completed"


def test_error_event_subprocess_handles_an_error_end_event(run: Driver) -> None:
    assert run.deploy("event_subprocess_error.bpmn").status_code == 201
    instance = run.start("event_subprocess_error")
    assert "handle" in run.path(instance) and run.status(instance) == "completed"


def test_error_event_subprocess_waits_for_its_error(run: Driver) -> None:
    """The library parsed an error (or escalation) start as a plain start: the handler ran when the
    instance started, whether or not anything was thrown."""
    assert run.deploy("event_subprocess_error_after_work.bpmn").status_code == 201
    fine, failing = run.start("event_subprocess_error_after_work"), run.start("event_subprocess_error_after_work")
    assert "handle" not in run.path(fine) and run.open_tasks(fine) == ["work"]
    run.complete(fine, "work", fail=False)
    assert "handle" not in run.path(fine) and run.path(fine)[-1] == "end" and run.status(fine) == "completed"
    run.complete(failing, "work", fail=True)
    assert "handle" in run.path(failing) and "end" not in run.path(failing) and run.status(failing) == "completed"


def test_escalation_event_subprocess_runs_beside_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_escalation.bpmn").status_code == 201
    instance = run.start("event_subprocess_escalation")
    assert "handle" in run.path(instance) and run.open_tasks(instance) == ["work"]
    run.complete(instance, "work")
    assert run.status(instance) == "completed"


def test_interrupting_escalation_event_subprocess_cancels_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_escalation_interrupting.bpmn").status_code == 201
    instance = run.start("event_subprocess_escalation_interrupting")
    assert run.open_tasks(instance) == ["more_work", "work"]
    run.complete(instance, "work")  # the escalation is thrown after it
    assert run.cancelled(instance) == ["more_work"] and "handle" in run.path(instance)
    assert run.open_tasks(instance) == [] and run.status(instance) == "completed"


def test_non_interrupting_signal_event_subprocess_leaves_the_main_flow(run: Driver) -> None:
    assert run.deploy("event_subprocess_signal_non_interrupting.bpmn").status_code == 201
    instance = run.start("event_subprocess_signal_non_interrupting")
    assert "handle" in run.path(instance) and run.open_tasks(instance) == ["work"]
    run.complete(instance, "work")
    assert run.path(instance)[-1] == "end" and run.status(instance) == "completed"


def test_signal_event_subprocess_interrupts_on_a_signal_of_its_own_instance(run: Driver) -> None:
    assert run.deploy("event_subprocess_signal.bpmn").status_code == 201
    instance = run.start("event_subprocess_signal")
    assert "handle" in run.path(instance) and "work" not in run.path(instance) and run.open_tasks(instance) == []
    assert run.status(instance) == "completed"


def test_conditional_event_fires_when_another_branch_sets_the_data(run: Driver) -> None:
    assert run.deploy("conditional_event.bpmn").status_code == 201
    instance = run.start("conditional_event", ready=False)
    assert "go" not in run.path(instance)
    run.complete(instance, "work", ready=True)
    assert run.path(instance)[-2:] == ["go", "end_go"] and run.status(instance) == "completed"


def test_data_object_whose_id_differs_from_its_name(run: Driver) -> None:
    assert run.deploy("data_object.bpmn").status_code == 201
    instance = run.start("data_object")
    assert run.status(instance) == "completed", run.instance(instance)["incident"]
    assert run.instance(instance)["data"]["doubled"] == 14


def test_a_signal_reaches_a_catch_in_its_own_instance(run: Driver) -> None:
    assert run.deploy("signal_within.bpmn").status_code == 201
    instance = run.start("signal_within")
    run.advance("PT61M")
    assert "hear" in run.path(instance) and run.status(instance) == "completed"


def test_a_signal_reaches_every_instance_waiting_for_it(run: Driver) -> None:
    assert run.deploy("signals.bpmn").status_code == 201
    waiting = [run.start("signal_waiter"), run.start("signal_waiter")]
    thrower = run.start("signal_thrower")
    assert run.status(thrower) == "completed"
    outbox = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(row.name, row.correlation) for row in outbox] == [  # one row, one transaction, per instance
        ("signal:go", {"instance_id": waiting[0]}), ("signal:go", {"instance_id": waiting[1]})]
    assert all(row.delivered_at is not None for row in outbox)
    for instance in waiting:
        assert run.path(instance)[-3:] == ["hear", "went", "end"] and run.status(instance) == "completed"


def test_a_signal_end_event_reaches_a_waiting_instance(run: Driver) -> None:
    """The library's end event parser reads no signal definition: a signal end event ended quietly."""
    assert run.deploy("signal_end_event.bpmn").status_code == 201
    waiting = run.start("signal_end_waiter")
    assert run.status(run.start("signal_end_thrower")) == "completed"
    assert run.path(waiting)[-2:] == ["hear", "end"] and run.status(waiting) == "completed"


def test_a_signal_from_another_instance_starts_an_interrupting_event_subprocess(run: Driver) -> None:
    assert run.deploy("signals.bpmn").status_code == 201
    instance = run.start("signal_interrupted")
    assert run.open_tasks(instance) == ["work"]
    run.start("signal_thrower")
    assert run.cancelled(instance) == ["work"] and "stop_work" in run.path(instance)
    assert run.status(instance) == "completed"


def test_an_administrator_throws_a_signal_through_the_api_to_every_waiting_instance(run: Driver) -> None:
    assert run.deploy("signals.bpmn").status_code == 201
    waiting = [run.start("signal_waiter"), run.start("signal_waiter")]
    run.api.user("cm2", "case_manager")
    refused = run.api.post("/api/v1/signals", as_="cm2", json={"name": "go"})
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "forbidden")
    assert all(run.status(i) == "active" for i in waiting)  # nothing was delivered
    for bad in ({}, {"name": ""}, {"name": "go", "extra": 1}, {"name": 5}):
        assert run.api.post("/api/v1/signals", as_="admin", json=bad).status_code in (400, 422)
    thrown = run.api.post("/api/v1/signals", as_="admin", json={"name": "go", "payload": {"why": "test"}})
    assert (thrown.status_code, thrown.json) == (200, {"delivered": 2})
    assert all(run.path(i)[-3:] == ["hear", "went", "end"] for i in waiting)
    again = run.api.post("/api/v1/signals", as_="admin", json={"name": "go"})
    assert again.json == {"delivered": 0}
