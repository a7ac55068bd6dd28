"""Choosing the claim window whose local cut-off has not yet passed."""

from __future__ import annotations

from typing import Any

import pytest

from workflows.rules import next_claim_window

WINDOWS: list[dict[str, Any]] = [
    # Deliberately out of order: the function must not rely on the caller's order.
    {"id": "2027-Q3", "opens_on": "2027-10-01", "closes_on": "2027-10-29", "local_cutoff_on": "2027-10-15"},
    {"id": "2027-Q1", "opens_on": "2027-03-01", "closes_on": "2027-03-31", "local_cutoff_on": "2027-03-15"},
    {"id": "2027-Q2", "opens_on": "2027-06-01", "closes_on": "2027-06-30", "local_cutoff_on": "2027-06-14"},
]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Before every cut-off: the earliest. Cut-off 15 March is end of day GMT: 16 March 00:00Z.
        (
            "2027-01-10T09:00:00+00:00",
            {"id": "2027-Q1", "closes_at": "2027-03-31T23:00:00+00:00", "local_cutoff_at": "2027-03-16T00:00:00+00:00"},
        ),
        ("2027-03-15T23:59:59+00:00", {"id": "2027-Q1"}),  # the last second of the cut-off day
        ("2027-03-16T00:00:00+00:00", {"id": "2027-Q2"}),  # the cut-off moment itself has passed
        # Cut-off 14 June is end of day BST: 00:00 BST 15 June is 23:00Z on the 14th.
        (
            "2027-06-14T22:59:59+00:00",
            {"id": "2027-Q2", "closes_at": "2027-06-30T23:00:00+00:00", "local_cutoff_at": "2027-06-14T23:00:00+00:00"},
        ),
        ("2027-06-14T23:00:00+00:00", {"id": "2027-Q3"}),
        ("2027-06-15T00:30:00+01:00", {"id": "2027-Q3"}),
        # The window closes on Friday 29 October (BST); 00:00 on the 30th is still BST.
        ("2027-07-01", {"id": "2027-Q3", "closes_at": "2027-10-29T23:00:00+00:00"}),
        ("2027-10-15T23:00:00+00:00", None),  # every cut-off has passed
    ],
)
def test_next_claim_window(after: str, expected: dict[str, str] | None) -> None:
    chosen = next_claim_window(WINDOWS, after)
    if expected is None:
        assert chosen is None
    else:
        assert chosen is not None
        assert set(chosen) == {"id", "closes_at", "local_cutoff_at"}
        assert {key: chosen[key] for key in expected} == expected


def test_a_window_whose_cut_off_passed_is_skipped_even_while_it_is_still_open() -> None:
    # 20 March: Q1 is open until the 31st, but its audits had to finish by the 15th.
    chosen = next_claim_window(WINDOWS, "2027-03-20T12:00:00+00:00")
    assert chosen is not None and chosen["id"] == "2027-Q2"


def test_no_windows_means_none() -> None:
    assert next_claim_window([], "2027-01-01T00:00:00+00:00") is None


def _window(**changes: str) -> dict[str, str]:
    window = {"id": "W", "opens_on": "2027-03-01", "closes_on": "2027-03-31", "local_cutoff_on": "2027-03-15"}
    window.update(changes)
    return window


@pytest.mark.parametrize(
    ("windows", "after", "message"),
    [
        ([_window()], "2027-03-01T10:00:00", "after '2027-03-01T10:00:00' is a naive datetime"),
        ([_window(local_cutoff_on="2027-04-02")], "2027-03-01", "cut-off \\(2027-04-02\\) is after the window closes"),
        ([_window(closes_on="2027-02-01")], "2027-03-01", "closes \\(2027-02-01\\) before it opens"),
        ([_window(closes_on="2027-03-31T00:00:00+01:00")], "2027-03-01", "closes_on .* must be a date written"),
        ([_window(opens_on="1 March")], "2027-03-01", "opens_on '1 March' must be a date"),
        ([{"id": "W", "opens_on": "2027-03-01"}], "2027-03-01", "'W' is missing closes_on, local_cutoff_on"),
        ([_window(), _window()], "2027-03-01", "ids must be unique; repeated: W"),
        ([_window(id="")], "2027-03-01", "id must be non-empty text"),
    ],
)
def test_next_claim_window_refusals(windows: list[dict[str, Any]], after: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        next_claim_window(windows, after)
