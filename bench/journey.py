"""Benchmark: whole family journeys through the lifecycle BPMN (workflows/bpmn), persisted vs in memory.

One journey: a referral starts ``family_referral``; triage (case management, two headline issues,
TF register), allocation, assessment, action plan, one review, closure summary, closure approval,
then the outcome windows open and the instance waits on their timers. Seven people's steps and
fourteen automatic ones (service tasks writing the domain rows, scripts, gateways, the call activity).

Persisted: ``Engine.start`` and ``Engine.complete`` on a fresh database, each step one transaction.
In memory: the same parsed specs in bare SpiffWorkflow, the same task data, service tasks answered by
canned results (no database), with and without serializing the state after each step.
"""

from __future__ import annotations

import json
import time
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from bench.db import build_app, database_url
from bench.stats import Outcome, summary_ms
from engine import spiff
from engine.access import Actor
from engine.identity import create_user
from engine.models import HumanTask, TaskStatus
from web.cli import DEFAULT_BUNDLE, bundle_files
from web.council import ensure_groups, ensure_teams
from web.extensions import db
from web.wiring import get_engine
from workflows.rules import RULE_FUNCTIONS

TEAM = "newark-and-sherwood-ehcm"
ADMIN = Actor("bench-admin", frozenset({"admin"}))
ACTORS = {
    "early_help_unit": Actor("ehu1", frozenset({"early_help_unit"})),
    "team_manager": Actor("tm1", frozenset({"team_manager"}), frozenset({TEAM})),
    "case_manager": Actor("cm1", frozenset({"case_manager"}), frozenset({TEAM})),
}
REFERRAL = {
    "referrer": {"name": "Pat Jones", "email": "pat@example.org"},
    "household": [{"given_name": "Sam", "family_name": "Smith", "date_of_birth": "1985-06-01",
                   "relationship": "Mother", "role": "adult"},
                  {"given_name": "Alex", "family_name": "Smith", "date_of_birth": "2012-09-01",
                   "relationship": "Son", "role": "child"}],
    "address": {"line_1": "1 Station Road", "town": "Newark", "postcode": "NG24 1AB"},
    "district": "newark_and_sherwood", "reasons": "Attendance and call-outs.", "consent": True,
}


def steps(people: list[str], today: str) -> list[tuple[str, dict[str, Any]]]:
    """(bpmn id, form data) for each person's step, in order."""
    adult, child = people
    outcomes = [{"person_id": adult, "indicator": 22, "achieved": True, "evidence": "No call-outs"},
                {"person_id": child, "indicator": 7, "achieved": True, "evidence": "Attendance 95%"}]
    return [
        ("triage_referral", {"match": "new", "route": "case_management", "indicators": [
            {"person_id": adult, "indicator": 22, "evidence": "Police"},
            {"person_id": child, "indicator": 7, "evidence": "School"}]}),
        ("allocate", {"case_manager": "cm1", "team": TEAM}),
        ("assess", {"assessed_on": today, "all_members_included": True, "summary": "Assessed."}),
        ("plan", {"agreed_on": today, "review_date": "2099-01-01", "review_date_reason": "A benchmark's far date.",
                  "targets": [{"indicator": 22, "person_id": adult, "target": "No call-outs", "by_date": "2099-01-01"},
                              {"indicator": 7, "person_id": child, "target": "Attendance", "by_date": "2099-01-01"}]}),
        ("review", {"reviewed_on": today, "ready_to_close": True, "next_steps": "Close.", "progress": [
            {"person_id": child, "indicator": 7, "status": "achieved", "evidence": "95%"}]}),
        ("write_closure", {"closed_on": today, "summary": "Done.", "evidence": "On file.", "outcomes": outcomes}),
        ("approve_closure", {"decision": "approve", "evidence_checked": True}),
    ]


def _persisted(backend: str, journeys: int) -> tuple[list[float], Any]:
    with database_url(backend) as url:
        app = build_app(url)
        with app.app_context():
            engine = get_engine()
            ensure_groups(db.session())
            ensure_teams(db.session())
            # Allocation offers only the team's case managers: the people must exist and be members.
            for actor in ACTORS.values():
                create_user(db.session(), actor.username, groups=sorted(actor.groups), teams=sorted(actor.teams),
                            now=engine.clock.now())
            db.session.commit()
            engine.deploy(bundle_files((DEFAULT_BUNDLE,)), ADMIN, "Deployed by the benchmark")
            today = engine.clock.now().date().isoformat()
            samples = []
            for _ in range(journeys):
                started = time.perf_counter()
                ref = engine.start("family_referral", None, {"referral": {
                    **REFERRAL, "received_at": engine.clock.now().isoformat(), "submitted_by": "bench"}}, ADMIN)
                people = [p["person_id"] for p in engine.task_data(_open(ref.id))["referral"]["household"]]
                for _bpmn_id, data in steps(people, today):
                    task = _open(ref.id)
                    engine.complete(task.id, data, ACTORS[task.group_id])
                samples.append(time.perf_counter() - started)
            loaded = engine.definitions.resolve(db.session(), "family_referral")
            specs = (loaded.bundle.specs["family_referral"], loaded.bundle.subprocess_specs["family_referral"])
            db.session.remove()
            db.engine.dispose()
    return samples, specs


def _open(instance_id: int) -> HumanTask:
    row = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.state == TaskStatus.OPEN))
    assert row is not None, "the journey stopped early"
    return row


CANNED = {
    "register_referral": lambda p: {"referral": {**p["referral"], "referral_ref": "R-1", "household": [
        {**m, "person_id": f"P-{i}"} for i, m in enumerate(p["referral"]["household"])]},
        "family_ref": "F-1", "possible_matches": [], "triage_working_days": 1,
        "triage_due_at": "2099-01-01T17:00:00+00:00",
        "triage_escalation": {"group": "team_manager", "team": TEAM, "due_at": "2099-01-08T17:00:00+00:00"}},
    "record_triage": lambda p: {"ok": True, "family_ref": "F-1", "matched": False, "eligible": True,
                                "headline_issues": [2, 5], "team": TEAM, "route": "case_management"},
    "record_indicators": lambda p: {"family_ref": "F-1", "eligible": True, "headline_issues": [2, 5],
                                    "indicators": [], "found": [], "added": False},
    "next_review": lambda p: {"due_at": "2099-01-01T17:00:00+00:00", "months": 3, "escalation": {
        "group": None, "team": None, "due_at": "2099-01-08T17:00:00+00:00"}},
    "open_outcomes": lambda p: {"windows": [{"outcome_id": 1, "sustained_at": "2099-01-01T00:00:00+00:00"}],
                                "earned_autonomy": False},
}


class CannedScriptEngine(PythonScriptEngine):
    def call_service(self, task: Any, operation_name: str, operation_params: dict[str, Any], **_: Any) -> str:
        params = {name: param["value"] for name, param in operation_params.items()}
        return json.dumps(CANNED.get(operation_name, lambda p: {})(params))


def _in_memory(specs: Any, journeys: int, save: bool) -> list[float]:
    spec, subprocess_specs = specs
    script_engine = CannedScriptEngine(environment=TaskDataEnvironment(dict(RULE_FUNCTIONS)))
    serializer = spiff.StateSerializer()
    samples = []
    for _ in range(journeys):
        started = time.perf_counter()
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
        workflow.task_tree.data["referral"] = {**REFERRAL, "received_at": "2027-03-01T09:00:00+00:00"}
        workflow.do_engine_steps()
        for bpmn_id, data in steps(["P-0", "P-1"], "2027-03-01"):
            task = next(iter(workflow.get_tasks(state=TaskState.READY, manual=True)))
            assert task.task_spec.bpmn_id == bpmn_id, task.task_spec.bpmn_id
            form = spiff.task_properties(task)["form"]
            task.data[form] = data
            task.run()
            workflow.refresh_timers()
            workflow.do_engine_steps()
            if save:
                serializer.dumps(workflow)
        samples.append(time.perf_counter() - started)
    return samples


def run_journeys(backends: list[str], journeys: int) -> Outcome:
    outcome = Outcome("journey")
    specs = None
    for backend in backends:
        samples, specs = _persisted(backend, journeys)
        summary = summary_ms(samples)
        outcome.add(f"{backend}: journeys per second (persisted)", 1000 / summary["mean_ms"], "/s")
        outcome.add(f"{backend}: journey time p50", summary["p50_ms"], "ms")
        outcome.details[backend] = summary
    for label, save in (("in memory", False), ("in memory + JSON save per step", True)):
        summary = summary_ms(_in_memory(specs, journeys, save))
        outcome.add(f"bare SpiffWorkflow {label}: journeys per second", 1000 / summary["mean_ms"], "/s",
                    "(reference)")
        outcome.add(f"bare SpiffWorkflow {label}: journey time p50", summary["p50_ms"], "ms", "(reference)")
        outcome.details[label] = summary
    outcome.details["journey"] = "referral -> triage -> case management -> approved closure -> windows open"
    return outcome
