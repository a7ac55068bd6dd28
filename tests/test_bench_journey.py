"""The journey benchmark still walks the lifecycle BPMN: a form rule or a new service task that the
benchmark does not know about stops it (as allocation's team check once did), which this run catches."""

from __future__ import annotations

from bench.journey import run_journeys


def test_one_journey_runs_persisted_on_sqlite_and_in_bare_spiffworkflow() -> None:
    outcome = run_journeys(["sqlite"], 1)
    names = [figure.name for figure in outcome.figures]
    assert "sqlite: journeys per second (persisted)" in names
    assert "bare SpiffWorkflow in memory + JSON save per step: journeys per second" in names
    assert all(figure.value > 0 for figure in outcome.figures)
