"""Conformance: the elements the engine ran before this suite existed, each a small model driven
through the API on the manual clock to its end, its path read from the history."""

from __future__ import annotations

from tests.engine.conformance.conftest import Driver


def test_exclusive_gateway_takes_the_true_flow_or_the_default(run: Driver) -> None:
    assert run.deploy("exclusive_gateway.bpmn").status_code == 201
    big, small = run.start("exclusive_gateway", amount=20), run.start("exclusive_gateway", amount=5)
    assert run.path(big) == ["start", "which", "big", "end"]
    assert run.path(small) == ["start", "which", "small", "end"]
    assert run.status(big) == run.status(small) == "completed"


def test_inclusive_gateway_takes_every_true_flow_and_joins_them(run: Driver) -> None:
    assert run.deploy("inclusive_gateway.bpmn").status_code == 201
    instance = run.start("inclusive_gateway", a=True, b=True, c=False)
    path = run.path(instance)
    assert sorted(path[2:4]) == ["ta", "tb"] and "tc" not in path
    assert path[-2:] == ["join", "end"] and run.status(instance) == "completed"


def test_parallel_gateway_waits_for_both_branches(run: Driver) -> None:
    assert run.deploy("parallel_gateway.bpmn").status_code == 201
    instance = run.start("parallel_gateway")
    assert "auto" in run.path(instance) and run.status(instance) == "active"
    run.complete(instance, "work")
    assert run.path(instance)[-3:] == ["work", "join", "end"] and run.status(instance) == "completed"


def test_multi_instance_parallel_with_cardinality_opens_every_instance_at_once(run: Driver) -> None:
    assert run.deploy("multi_instance_parallel.bpmn").status_code == 201
    instance = run.start("multi_instance_parallel", visits=3)
    assert run.open_tasks(instance) == ["visit", "visit", "visit"]
    for _ in range(3):
        run.complete(instance, "visit")
    assert run.path(instance).count("visit") == 4 and run.path(instance)[-1] == "end"  # 3 and their parent
    assert run.status(instance) == "completed"


def test_multi_instance_sequential_over_a_collection_collects_the_outputs(run: Driver) -> None:
    assert run.deploy("multi_instance_sequential.bpmn").status_code == 201
    instance = run.start("multi_instance_sequential", items=[1, 2, 3])
    assert run.status(instance) == "completed"
    assert run.instance(instance)["data"]["results"] == [2, 4, 6]
    assert run.path(instance) == ["start", "double", "double", "double", "double", "end"]


def test_multi_instance_sequential_with_cardinality_opens_one_instance_at_a_time(run: Driver) -> None:
    assert run.deploy("multi_instance_sequential_cardinality.bpmn").status_code == 201
    instance = run.start("multi_instance_sequential_cardinality", visits=3)
    for done in range(3):
        assert run.open_tasks(instance) == ["visit"]
        run.complete(instance, "visit")
        assert run.path(instance).count("visit") == done + 1 + (done == 2)  # the parent completes last
    assert run.path(instance)[-1] == "end" and run.status(instance) == "completed"


def test_multi_instance_parallel_over_a_collection_collects_the_outputs(run: Driver) -> None:
    assert run.deploy("multi_instance_parallel_collection.bpmn").status_code == 201
    instance = run.start("multi_instance_parallel_collection", items=[1, 2, 3])
    assert run.status(instance) == "completed"
    assert run.instance(instance)["data"]["results"] == [2, 4, 6]
    assert run.path(instance)[0] == "start" and run.path(instance).count("double") == 4
    assert run.path(instance)[-1] == "end"


def test_call_activity_passes_its_inputs_and_returns_only_its_outputs(run: Driver) -> None:
    assert run.deploy("call_activity.bpmn").status_code == 201
    instance = run.start("call_activity", n=21)
    assert run.path(instance) == ["start", "d_start", "double", "d_end", "call", "after", "end"]
    data = run.instance(instance)["data"]
    assert (data["doubled"], data["seen"]) == (42, 42) and "scratch" not in data


def test_interrupting_boundary_timer_cancels_the_task_and_takes_its_path(run: Driver) -> None:
    assert run.deploy("boundary_timer_interrupting.bpmn").status_code == 201
    instance = run.start("boundary_timer_interrupting")
    assert run.advance("PT59M")["fired"] == 0 and run.open_tasks(instance) == ["work"]
    assert run.advance("PT2M")["fired"] == 1
    assert run.cancelled(instance) == ["work"] and run.open_tasks(instance) == []
    assert run.path(instance)[-3:] == ["late", "chase", "end_late"] and run.status(instance) == "completed"


def test_non_interrupting_boundary_timer_leaves_the_task_open(run: Driver) -> None:
    assert run.deploy("boundary_timer_non_interrupting.bpmn").status_code == 201
    instance = run.start("boundary_timer_non_interrupting")
    assert run.advance("PT61M")["fired"] == 1
    assert run.open_tasks(instance) == ["work"] and "chase" in run.path(instance)
    run.complete(instance, "work")
    assert run.path(instance)[-2:] == ["work", "end"] and run.status(instance) == "completed"


def test_interrupting_boundary_message_cancels_the_task(run: Driver) -> None:
    assert run.deploy("boundary_message_interrupting.bpmn").status_code == 201
    instance = run.start("boundary_message_interrupting", case_ref="C-1")
    assert run.send("news", {"case_ref": "C-1"}, headline="moved house").json["delivered"] == 1
    assert run.cancelled(instance) == ["work"]
    assert run.path(instance)[-3:] == ["news_came", "read", "end_news"] and run.status(instance) == "completed"
    assert run.instance(instance)["data"]["read_it"] == "moved house"


def test_non_interrupting_boundary_message_leaves_the_task_open(run: Driver) -> None:
    assert run.deploy("boundary_message_non_interrupting.bpmn").status_code == 201
    instance = run.start("boundary_message_non_interrupting", case_ref="C-1")
    assert run.send("news", {"case_ref": "C-1"}, headline="moved house").json["delivered"] == 1
    assert run.open_tasks(instance) == ["work"] and "read" in run.path(instance)
    run.complete(instance, "work")
    assert run.path(instance)[-1] == "end" and run.status(instance) == "completed"


def test_error_boundary_catches_an_error_end_event_in_its_subprocess(run: Driver) -> None:
    assert run.deploy("boundary_error.bpmn").status_code == 201
    instance = run.start("boundary_error")
    path = run.path(instance)
    assert path[-3:] == ["caught", "handle", "end_handled"] and "end" not in path
    assert run.status(instance) == "completed"


def test_escalation_boundary_catches_an_escalation_end_event(run: Driver) -> None:
    assert run.deploy("boundary_escalation.bpmn").status_code == 201
    instance = run.start("boundary_escalation")
    path = run.path(instance)
    assert path[-3:] == ["caught", "handle", "end_handled"] and "end" not in path
    assert run.status(instance) == "completed"


def test_send_task_reaches_a_waiting_receive_task_through_the_outbox(run: Driver) -> None:
    assert run.deploy("send_receive_tasks.bpmn").status_code == 201
    receiver = run.start("receiver", case_ref="C-7")
    assert run.status(receiver) == "active"
    sender = run.start("sender", case_ref="C-7")
    assert run.path(sender) == ["start", "send", "end"]
    assert run.path(receiver) == ["r_start", "receive", "after", "r_end"]
    assert run.instance(receiver)["data"]["note"] == "hi"


def test_manual_task_is_a_task_in_the_inbox(run: Driver) -> None:
    assert run.deploy("manual_task.bpmn").status_code == 201
    instance = run.start("manual_task")
    assert run.open_tasks(instance) == ["phone"]
    run.complete(instance, "phone")
    assert run.path(instance) == ["start", "phone", "end"] and run.status(instance) == "completed"


def test_terminate_end_cancels_every_other_branch(run: Driver) -> None:
    assert run.deploy("terminate_end.bpmn").status_code == 201
    instance = run.start("terminate_end")
    assert run.open_tasks(instance) == ["work"]
    run.advance("P1D")
    assert run.path(instance)[-3:] == ["wait", "stop", "terminate"]
    assert run.cancelled(instance) == ["work"] and run.status(instance) == "completed"


def test_timer_start_cycle_starts_one_instance_per_cycle(run: Driver) -> None:
    assert run.deploy("timer_start_cycle.bpmn").status_code == 201
    assert run.advance("PT1H")["started"] == 1
    assert run.advance("PT1H")["started"] == 1
    assert run.advance("PT1H")["started"] == 0  # R2: two cycles
    ids = run.instances_of("timer_start_cycle")
    assert len(ids) == 2
    assert all(run.path(i) == ["tick", "hourly", "end"] and run.status(i) == "completed" for i in ids)  # each once


def test_message_start_starts_an_instance_with_the_payload(run: Driver) -> None:
    assert run.deploy("message_start.bpmn").status_code == 201
    assert run.send("referral", {"case_ref": "C-9"}, who="school").json["delivered"] == 1
    (instance,) = run.instances_of("message_start")
    assert run.path(instance) == ["referred", "note", "end"] and run.instance(instance)["data"]["who"] == "school"
