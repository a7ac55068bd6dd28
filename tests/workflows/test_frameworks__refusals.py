"""A framework file that is wrong is refused with the file, the indicator and the reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from workflows.frameworks import FRAMEWORKS_DIR, FrameworkError, load_frameworks, validate_framework_file


def _valid() -> dict[str, Any]:
    return {
        "id": "test-2030",
        "version": "2030-01",
        "title": "A test framework",
        "minimum_headline_issues": 2,
        "headline_issues": [{"number": 1, "name": "Crime"}, {"number": 2, "name": "Health"}],
        "indicators": [
            {
                "number": 1,
                "headline_issue": 1,
                "title": "Offending",
                "applies_to": ["adult", "child"],
                "eligibility": "Has offended",
                "desired_outcome": "Less crime",
                "target": "No offences",
                "sustainment": [
                    {"key": "six_months", "condition": "6 months", "amount": 6, "unit": "months",
                     "anchor": "closure"},
                ],
            },
            {
                "number": 2,
                "headline_issue": 2,
                "title": "Health",
                "applies_to": ["adult"],
                "eligibility": "Has a health problem",
                "desired_outcome": "Better health",
                "target": "Engages with treatment",
                "sustainment": [
                    {"key": "agreed", "condition": "as agreed", "amount": None, "unit": "none",
                     "decided_by": "GP"},
                ],
            },
        ],
    }


def _write(directory: Path, data: dict[str, Any], name: str = "test-2030.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_valid_fixture_loads(tmp_path: Path) -> None:
    framework = validate_framework_file(_write(tmp_path, _valid()))
    assert framework.id == "test-2030"
    assert framework.indicator(2).sustainment[0].decided_by == "GP"


@pytest.mark.parametrize("path", sorted(FRAMEWORKS_DIR.glob("*.yaml")), ids=lambda path: path.name)
def test_every_shipped_framework_file_validates(path: Path) -> None:
    assert validate_framework_file(path).id == path.stem


def _alt(data: dict[str, Any], indicator: int = 0) -> dict[str, Any]:
    alternative: dict[str, Any] = data["indicators"][indicator]["sustainment"][0]
    return alternative


# case: (change to the valid fixture, indicator the error must name, words the reason must contain)
BROKEN: dict[str, tuple[Callable[[dict[str, Any]], object], int | None, str]] = {
    "bad unit": (lambda d: _alt(d).update(unit="fortnights"), 1, "unit 'fortnights' is not one of"),
    "bad anchor": (lambda d: _alt(d).update(anchor="birthday"), 1, "anchor 'birthday' is not one of"),
    "window without anchor": (lambda d: _alt(d).pop("anchor"), 1, "needs an anchor"),
    "missing amount": (lambda d: _alt(d).pop("amount"), 1, "missing required field(s): amount"),
    "amount as yes": (lambda d: _alt(d).update(amount=True), 1, "amount must be a whole number"),
    "zero amount": (lambda d: _alt(d).update(amount=0), 1, "amount must be a whole number >= 1"),
    "none with amount": (lambda d: _alt(d, 1).update(amount=3), 2, "has no amount"),
    "none without decided_by": (lambda d: _alt(d, 1).pop("decided_by"), 2, "decided_by must be"),
    "decided_by on a window": (lambda d: _alt(d).update(decided_by="GP"), 1, "only for windows"),
    "missing title": (lambda d: d["indicators"][1].pop("title"), 2, "missing required field(s): title"),
    "missing sustainment": (lambda d: d["indicators"][0].pop("sustainment"), 1, "sustainment"),
    "empty sustainment": (lambda d: d["indicators"][0].update(sustainment=[]), 1, "non-empty list"),
    "unknown field": (lambda d: d["indicators"][0].update(windw=3), 1, "unknown field(s): windw"),
    "duplicate indicator": (
        lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])), 1, "duplicate indicator"
    ),
    "unknown headline": (lambda d: d["indicators"][1].update(headline_issue=7), 2, "headline_issue 7"),
    "unknown role": (lambda d: d["indicators"][1].update(applies_to=["parent"]), 2, "applies_to"),
    "ages reversed": (lambda d: d["indicators"][0].update(min_age=16, max_age=4), 1, "min_age 16"),
    "redirect to nowhere": (
        lambda d: d["indicators"][0].update(min_age=16, below_min_age_use=9), 1, "indicator 9"
    ),
    "repeated key": (
        lambda d: d["indicators"][0]["sustainment"].append(dict(_alt(d))), 1, "keys must be unique"
    ),
    "missing top-level field": (lambda d: d.pop("minimum_headline_issues"), None, "minimum_headline"),
    "unversioned id": (lambda d: d.update(id="fop"), None, "must be lower-case and end in its year"),
    "minimum too high": (lambda d: d.update(minimum_headline_issues=3), None, "exceeds"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_refused_naming_file_and_indicator(tmp_path: Path, case: str) -> None:
    change, indicator, reason = BROKEN[case]
    data = _valid()
    change(data)
    path = _write(tmp_path, data, "broken-2030.yaml")
    with pytest.raises(FrameworkError) as caught:
        validate_framework_file(path)
    error = caught.value
    assert error.file == "broken-2030.yaml"
    assert error.indicator == indicator
    assert reason in error.reason
    assert str(error).startswith("broken-2030.yaml")
    if indicator is not None:
        assert f"indicator {indicator}:" in str(error)


def test_a_key_written_twice_in_the_yaml_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _valid())
    # Plain safe_load would keep the second "unit" without a word.
    path.write_text(path.read_text().replace("unit: months", "unit: months\n    unit: weeks"), encoding="utf-8")
    with pytest.raises(FrameworkError, match="test-2030.yaml: is not valid YAML: .*repeated key 'unit'"):
        validate_framework_file(path)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad-2030.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="^bad-2030.yaml: is not valid YAML"):
        validate_framework_file(path)


def test_two_files_with_the_same_id_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, _valid(), "a-first.yaml")
    _write(tmp_path, _valid(), "b-second.yaml")
    with pytest.raises(FrameworkError, match="^b-second.yaml: id 'test-2030' is already used by a-first.yaml"):
        load_frameworks(tmp_path)


def test_a_directory_of_distinct_versions_loads(tmp_path: Path) -> None:
    newer = _valid()
    newer["id"] = "test-2031"
    _write(tmp_path, _valid())
    _write(tmp_path, newer, "test-2031.yaml")
    assert sorted(load_frameworks(tmp_path)) == ["test-2030", "test-2031"]
