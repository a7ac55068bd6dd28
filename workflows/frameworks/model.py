"""Frozen dataclasses for an outcome framework (a Family Outcomes Plan or its national successor).

A framework is versioned policy: a family keeps the framework it started under, so these objects are
immutable and a framework id (``fop-2017``) names exactly one version, forever.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS = ("months", "weeks", "school_terms", "none")
# The brief's anchors plus ``last_asb_report``: the FOP counts indicator 2's window "since last report"
# of anti-social behaviour, which is not an offence.
ANCHORS = (
    "referral",
    "closure",
    "step_down",
    "last_offence",
    "last_asb_report",
    "release",
    "participation_start",
    "employment_start",
)
ROLES = ("adult", "child", "household")


@dataclass(frozen=True)
class Sustainment:
    """One way an indicator's outcome can count as sustained.

    ``unit == "none"`` means the FOP sets no fixed window: ``decided_by`` names who decides, and
    ``amount`` is None. Otherwise the window is ``amount`` ``unit`` counted from ``anchor``.
    """

    key: str
    condition: str
    amount: int | None
    unit: str
    anchor: str | None
    decided_by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Indicator:
    number: int
    headline_issue: int
    title: str
    applies_to: tuple[str, ...]
    eligibility: str
    desired_outcome: str
    target: str
    sustainment: tuple[Sustainment, ...]
    min_age: int | None = None
    max_age: int | None = None
    # Where the FOP says who is too young for this indicator should be recorded under another one.
    below_min_age_use: int | None = None
    notes: str | None = None

    def alternative(self, which: int | str) -> Sustainment:
        """The sustainment alternative at index ``which``, or whose key or condition is ``which``."""
        if isinstance(which, bool) or not isinstance(which, int | str):
            raise ValueError(f"indicator {self.number}: alternative must be an index or a key, not {which!r}")
        if isinstance(which, int):
            if 0 <= which < len(self.sustainment):
                return self.sustainment[which]
            raise ValueError(
                f"indicator {self.number} has {len(self.sustainment)} sustainment alternative(s); "
                f"there is no index {which}"
            )
        wanted = which.strip().casefold()
        for alt in self.sustainment:
            if wanted in (alt.key.casefold(), alt.condition.casefold()):
                return alt
        keys = ", ".join(alt.key for alt in self.sustainment)
        raise ValueError(f"indicator {self.number} has no sustainment alternative {which!r}; keys: {keys}")


@dataclass(frozen=True)
class HeadlineIssue:
    number: int
    name: str


@dataclass(frozen=True)
class Framework:
    id: str
    version: str
    title: str
    minimum_headline_issues: int
    headline_issues: tuple[HeadlineIssue, ...]
    indicators: tuple[Indicator, ...]
    source: str | None = None
    notes: str | None = None
    # What the file does not yet encode; a framework with anything missing must not back a claim.
    missing: tuple[str, ...] = ()

    @property
    def is_complete(self) -> bool:
        return not self.missing

    def indicator(self, number: int) -> Indicator:
        for indicator in self.indicators:
            if indicator.number == number:
                return indicator
        raise ValueError(f"framework {self.id} has no indicator {number!r}")

    def headline_groups(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Each headline issue's name and its indicator numbers, in the framework's order."""
        return tuple((issue.name, tuple(i.number for i in self.indicators if i.headline_issue == issue.number))
                     for issue in self.headline_issues)

    def headline_issue(self, number: int) -> HeadlineIssue:
        for issue in self.headline_issues:
            if issue.number == number:
                return issue
        raise ValueError(f"framework {self.id} has no headline issue {number!r}")
