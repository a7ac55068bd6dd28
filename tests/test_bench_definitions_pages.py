"""The definitions pages' benchmark still builds its database and serves every page it times: a change to
the lifecycle BPMN, the wait projection or the pages that the benchmark's builder does not know about
stops it here (at a tiny size, on SQLite), not on the day someone runs it. Its list page also shows the
counts the builder's rows mean: a wrong count on the list page fails here too."""

from __future__ import annotations

import re
from pathlib import Path

from bench.definitions_pages import PAGES, run


def test_the_builder_loads_and_every_page_is_timed_with_the_counts_the_rows_mean(tmp_path: Path) -> None:
    results = run(f"sqlite:///{tmp_path / 'definitions.db'}", 30, 1)
    assert set(results["pages"]) == set(results["baseline"]) == set(PAGES)
    assert results["load"]["instances"] == 30 and results["load"]["wait_rows"] == 30 + 24
    live = dict(re.findall(r'data-version="([a-z_]+/\d)".*?data-live>(\d+)<', results["list_page"], re.S))
    # Instance i pins version i % 3 + 1; every one waits in family_referral, all but each fifth inside
    # case_management too (instances 5, 10, ... 30 wait at triage).
    assert {k: live[k] for k in sorted(live) if k.split("/")[0] in ("case_management", "family_referral")} == {
        "case_management/1": "8", "case_management/2": "8", "case_management/3": "8",
        "family_referral/1": "10", "family_referral/2": "10", "family_referral/3": "10"}
