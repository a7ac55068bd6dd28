"""/metrics: only for the allowed networks or the token; requests by route template; the database's
task counts move when a task is completed; the sweep's counters move when a timer worker fires."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.access import SYSTEM
from web.extensions import db
from web.wiring import get_engine

FAMILY = {"family_ref": "F-2027-000001", "district": "ashfield",
          "allocation": {"case_manager": "cm1", "team": "north"}}
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def scrape(api: Any, **kw: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = api.client.get("/metrics", **kw)
    db.session.remove()  # the request ran in the test's app context: end its transaction (SQLite's write lock)
    assert answer.status_code == 200, answer.status_code
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True)) for sample in family.samples}


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_refused_outside_the_allowed_networks_unless_the_token_is_given(
        api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert api.client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    monkeypatch.setitem(api.client.application.config, "METRICS_TOKEN", "scrape-token-1")
    assert api.client.get("/metrics", environ_base=OUTSIDE,
                          headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert scrape(api, environ_base=OUTSIDE, headers={"Authorization": "Bearer scrape-token-1"})
    monkeypatch.setitem(api.client.application.config, "METRICS_ALLOW", "203.0.113.0/24")
    assert scrape(api, environ_base=OUTSIDE)


def test_requests_are_counted_by_route_template_never_by_the_values_in_the_url(api: Any) -> None:
    before = scrape(api)
    assert api.get("/api/v1/instances/424242", as_="admin").status_code == 404
    after = scrape(api)
    labels = {"route": "/api/v1/instances/<int:instance_id>", "method": "GET", "status": "404"}
    assert value(after, "family_journeys_http_requests_total", **labels) == \
        value(before, "family_journeys_http_requests_total", **labels) + 1
    assert not any("424242" in str(key) for key in after)


def test_completing_a_task_moves_the_task_counts(api: Any) -> None:
    assert api.deploy("review.bpmn").status_code == 201
    api.user("cm1", "case_manager", teams=("north",))
    started = api.post("/api/v1/instances", as_="cm1",
                       json={"process_id": "review", "business_key": "F-2027-000001", "data": FAMILY})
    assert started.status_code == 201, started.json
    task = api.get(f"/api/v1/tasks?instance_id={started.json['id']}", as_="admin").json["items"][0]
    before = scrape(api)
    assert value(before, "family_journeys_tasks", process="review", state="open") == 1
    assert api.post(f"/api/v1/tasks/{task['id']}/complete", as_="cm1",
                    json={"data": {"visited": True}}).status_code == 200
    after = scrape(api)
    assert value(after, "family_journeys_tasks", process="review", state="completed") == 1
    assert value(after, "family_journeys_definition_deploys_total") == 1


def test_a_timer_worker_firing_moves_the_sweep_counters(api: Any) -> None:
    assert api.deploy("tick.bpmn").status_code == 201
    get_engine().start("tick", None, {}, SYSTEM)
    assert api.post("/api/v1/clock", as_="admin", json={"advance": "PT2H"}).status_code == 200
    db.session.remove()
    before = scrape(api)
    assert value(before, "family_journeys_timers_due") == 1
    result = api.client.application.test_cli_runner().invoke(args=["timers", "run", "--ticks", "1"])
    assert result.exit_code == 0, result.output
    after = scrape(api)
    assert value(after, "family_journeys_timers_fired_total") == value(before, "family_journeys_timers_fired_total") + 1
    assert value(after, "family_journeys_timer_sweeps_total") > value(before, "family_journeys_timer_sweeps_total")
    assert value(after, "family_journeys_timer_lateness_seconds_count") == \
        value(before, "family_journeys_timer_lateness_seconds_count") + 1
    assert value(after, "family_journeys_timers_due") == 0
