"""The load-and-faults scenario, CI-sized: gunicorn with 2 web workers and 2 timer workers on a private
PostgreSQL cluster, under seeded load for 20 s while a web worker and a timer worker are killed and the
database restarts; then no unexpected 5xx and a clean invariant checker (bench/load_faults.py)."""

from __future__ import annotations

import pytest

from bench.load_faults import report, scenario
from bench.private_pg import BIN
from tests.fixtures.app import ON_POSTGRES

pytestmark = pytest.mark.skipif(not ON_POSTGRES or not (BIN / "initdb").exists(),
                                reason="runs once, in CI's PostgreSQL suite (DATABASE_URL=postgresql+psycopg://...), "
                                       "where PostgreSQL's initdb is installed for the private cluster")


def test_two_workers_under_load_and_faults_lose_nothing_and_answer_no_unexpected_5xx() -> None:
    run = scenario(2, 20.0, clients=4, seed=13)
    print(report(run))
    assert [kind for kind, _ in run.kills] == ["web", "timer"]
    assert run.db_down is not None
    assert run.unexpected() == 0, run.classify()
    assert run.verdict is not None and run.verdict.clean, run.verdict
    assert run.ledger.completions and run.ledger.referrals
    assert run.verdict.counts["catch events completed"] > 0  # timers really fell due and fired
