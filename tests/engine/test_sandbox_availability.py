"""Scripts must not stop the process: constructs that reach one long C call (comparing or hashing
deeply shared or recursive containers, slow codecs) are refused before C code runs them.

Each attack here is sized to take seconds without its guard (and for ever at a larger size), so a
missing guard fails the time bound instead of hanging the test run.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from engine.sandbox_policy import ScriptLimitExceeded, ScriptPolicyError
from engine.scripts import SandboxedEnvironment

# 2**27 leaves behind each of a and b (and t): a few seconds of C work for one comparison or hash.
SHARED = "a = [1]\nb = [1]\nfor i in range(27):\n    a = [a, a]\n    b = [b, b]\n"
TUPLES = "t = (1,)\nfor i in range(27):\n    t = (t, t)\n"
PACKED = "pack = lambda *items: items\nt = (1,)\nfor i in range(27):\n    t = pack(t, t)\n"
RECURSIVE = "a = [1]\na.append(a)\nb = [1]\nb.append(b)\n"
PUNY_TEXT = "s = ''.join([chr(256 + i) for i in range(6000)])\n"


@pytest.fixture
def patient() -> SandboxedEnvironment:
    """A deadline so long that only a guard can stop these in time."""
    return SandboxedEnvironment({}, time_limit_s=60)


def refused_fast(env: SandboxedEnvironment, script: str, error: type[Exception], match: str) -> None:
    started = time.monotonic()
    with pytest.raises(error, match=match):
        env.execute(script, {})
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "script",
    [
        SHARED + "same = a == b",
        SHARED + "less = a < b",
        SHARED + "found = a in [b]",
        SHARED + "where = [b].index(a)",
        SHARED + "many = [b, 1].count(a)",
        SHARED + "ordered = sorted([a, b])",
        SHARED + "top = max(a, b)",
        SHARED + "top = max([a, b])",
        SHARED + "top = max([1, 2], key=lambda i: a if i == 1 else b)",
        SHARED + "c = [a, b]\nc.sort()",
        TUPLES + "d = {t: 1}",
        TUPLES + "d = {}\nd[t] = 1",
        TUPLES + "s = {t}",
        TUPLES + "s = set([t])",
        TUPLES + "s = {u for u in [t]}",
        TUPLES + "s = {*[t]}",
        TUPLES + "d = dict.fromkeys([t])",
        TUPLES + "s = set()\ns.add(t)",
        TUPLES + "d = {}\nfound = d.get(t)",
        TUPLES + "d = {}\nfound = t in d",
        TUPLES + "both = {}.keys() & [t]",
        PACKED + "d = {t: 1}",
    ],
)
def test_comparing_or_hashing_a_shared_structure_is_refused(patient: SandboxedEnvironment, script: str) -> None:
    refused_fast(patient, script, ScriptLimitExceeded, "compared or hashed value is too large|too large")


@pytest.mark.parametrize("script", [RECURSIVE + "same = a == b", RECURSIVE + "found = a in [b]"])
def test_comparing_recursive_containers_is_refused(patient: SandboxedEnvironment, script: str) -> None:
    refused_fast(patient, script, ScriptLimitExceeded, "deeper than 100")


@pytest.mark.parametrize(
    "script",
    [
        PUNY_TEXT + "p = s.encode('punycode')",
        PUNY_TEXT + "p = str.encode(s, 'punycode')",
        PUNY_TEXT + "p = s.encode(encoding='punycode')",
        "p = b'abc'.decode('punycode')",
        "p = str(b'abc', 'punycode')",
        "p = 'abc'.encode('rot13')",
        "p = 'abc'.encode('no-such-codec')",
    ],
)
def test_codecs_other_than_utf8_ascii_latin1_are_refused(patient: SandboxedEnvironment, script: str) -> None:
    refused_fast(patient, script, ScriptPolicyError, "encoding .* is not available in scripts")


def test_ordinary_comparisons_hashing_and_codecs_still_work(patient: SandboxedEnvironment) -> None:
    context: dict[str, Any] = {"members": [{"name": "zoe", "age": 9}, {"name": "al", "age": 12}]}
    patient.execute(
        "older = sorted(members, key=lambda m: m['age'], reverse=True)[0]['name']\n"
        "names = {m['name'] for m in members}\n"
        "pairs = {(m['name'], m['age']): True for m in members}\n"
        "same = members == list(members) and ('zoe', 9) in pairs and 'al' in names\n"
        "text = 'café'.encode('utf-8').decode('latin-1') + str(b'ok', 'ascii')\n"
        "keys = sorted(pairs.keys() - {('al', 12)})\n"
        "first = members.index(members[1])\n",
        context,
    )
    assert context["older"] == "al" and context["same"] is True and context["first"] == 1
    assert context["text"] == "cafÃ©ok" and context["keys"] == [("zoe", 9)]
