"""The shipped frameworks against the seed documents, written out by hand here (never read from the data).

Source: docs/sources/seeds/family-outcomes-plan-2017.txt, the "What do we mean by sustained?" column. Anchors the
FOP leaves unstated are closure (workflows/frameworks/README.md), except 19 (participation start, as
docs/sources/DOMAIN.md reads it).
"""

from __future__ import annotations

import dataclasses

import pytest

from workflows.frameworks import available_frameworks, load_framework

M, W, T, NONE = "months", "weeks", "school_terms", "none"

# number: (headline issue, [(amount, unit, anchor), ...] in the FOP's order)
FOP_2017 = {
    1: (1, [(6, M, "last_offence")]),  # Less than x offences in 6 months since last offence
    2: (1, [(6, M, "last_asb_report"), (6, M, "closure")]),  # ...since last report / complies with ABC 6 months
    3: (1, [(3, M, "release")]),  # Scaling tool 3 months post release
    4: (1, [(6, M, "closure"), (None, NONE, None)]),  # 6 months or completion of licence or supervision
    5: (1, [(6, M, "last_offence")]),  # Less than x offences in 6 months since last offended
    6: (1, [(6, M, "referral")]),  # 6 months from referral
    7: (2, [(3, T, "closure")]),  # Over 3 terms
    8: (2, [(3, T, "closure")]),
    9: (2, [(3, T, "closure")]),
    10: (2, [(3, T, "closure")]),
    11: (3, [(6, M, "closure")]),  # 6 months; not escalated to level 4 in 6 mths
    12: (3, [(6, M, "closure"), (6, M, "step_down")]),  # 6 months following closure or step down
    13: (3, [(6, M, "closure"), (6, M, "step_down")]),  # 6 months from case closure or step down
    14: (3, [(6, M, "closure"), (6, M, "step_down")]),  # 6 months following closure / from step down
    15: (3, [(6, M, "closure"), (1, T, "closure"), (3, M, "closure")]),  # 6 months / 1 term 5h+ / 3 months
    16: (4, [(26, W, "employment_start"), (13, W, "employment_start"), (None, NONE, None), (None, NONE, None)]),
    17: (4, [(4, M, "participation_start")]),  # 4 months from participation start
    18: (4, [(4, M, "participation_start")]),
    19: (4, [(4, M, "participation_start")]),  # 4 months
    20: (5, [(6, M, "closure")]),  # Scaling tool progress over 6 months
    21: (5, [(6, M, "closure")]),
    22: (5, [(6, M, "closure")]),
    23: (6, [(6, M, "closure")]),
    24: (6, [(6, M, "closure")]),
    25: (6, [(2, T, "closure"), (6, M, "closure")]),  # 2 school terms / 6 months
    26: (6, [(3, M, "closure")]),
    27: (6, [(3, M, "closure")]),
    28: (6, [(3, M, "closure")]),
    29: (6, [(6, M, "closure"), (6, M, "closure")]),  # 6 months / 6 months
}

# number: (applies_to, min_age, max_age), from the eligibility column and the FOP's notes.
WHO = {
    1: ({"child"}, None, None),
    2: ({"adult", "child"}, None, None),
    3: ({"adult"}, None, None),
    4: ({"adult"}, None, None),
    5: ({"adult"}, None, None),
    6: ({"adult", "child"}, None, None),
    15: ({"child"}, None, 4),  # child under 5
    16: ({"adult"}, None, None),
    19: ({"household"}, None, None),  # parents and families
    21: ({"adult", "child"}, 16, None),  # "the person has to be 16 years+"
    22: ({"household"}, None, None),  # household subject to a police call out
    23: ({"adult"}, None, None),
    29: ({"child"}, None, 4),
}


def test_fop_2017_has_exactly_the_29_indicators_of_the_seed() -> None:
    fop = load_framework("fop-2017")
    assert [indicator.number for indicator in fop.indicators] == list(range(1, 30))


@pytest.mark.parametrize("number", sorted(FOP_2017))
def test_fop_2017_indicator_matches_the_seed(number: int) -> None:
    headline, windows = FOP_2017[number]
    indicator = load_framework("fop-2017").indicator(number)
    assert indicator.headline_issue == headline
    assert [(alt.amount, alt.unit, alt.anchor) for alt in indicator.sustainment] == windows
    for alt in indicator.sustainment:
        assert alt.condition
        assert (alt.decided_by is not None) == (alt.unit == NONE)


@pytest.mark.parametrize("number", sorted(WHO))
def test_fop_2017_indicator_applies_to_whom_the_seed_says(number: int) -> None:
    roles, min_age, max_age = WHO[number]
    indicator = load_framework("fop-2017").indicator(number)
    assert (set(indicator.applies_to), indicator.min_age, indicator.max_age) == (roles, min_age, max_age)


def test_fop_2017_sends_under_16s_showing_violence_at_home_to_indicator_11() -> None:
    assert load_framework("fop-2017").indicator(21).below_min_age_use == 11


def test_fop_2017_framework_level_facts() -> None:
    fop = load_framework("fop-2017")
    assert (fop.id, fop.version, fop.minimum_headline_issues) == ("fop-2017", "2017-07", 2)
    assert [(issue.number, issue.name) for issue in fop.headline_issues] == [
        (1, "Crime and anti-social behaviour"),
        (2, "Education"),
        (3, "Children who need help"),
        (4, "Worklessness, NEET and financial exclusion"),
        (5, "Domestic violence and abuse"),
        (6, "Health"),
    ]
    assert fop.is_complete


def test_fop_2017_groups_its_indicators_under_the_headline_issues_the_pages_show() -> None:
    groups = load_framework("fop-2017").headline_groups()
    assert [(name, numbers) for name, numbers in groups] == [
        ("Crime and anti-social behaviour", (1, 2, 3, 4, 5, 6)),
        ("Education", (7, 8, 9, 10)),
        ("Children who need help", (11, 12, 13, 14, 15)),
        ("Worklessness, NEET and financial exclusion", (16, 17, 18, 19)),
        ("Domestic violence and abuse", (20, 21, 22)),
        ("Health", (23, 24, 25, 26, 27, 28, 29)),
    ]


def test_continuous_employment_alternatives_are_found_by_key() -> None:
    indicator = load_framework("fop-2017").indicator(16)
    assert indicator.alternative("off_jsa").amount == 26
    assert indicator.alternative("off_other_benefits").amount == 13
    assert "Employment Advisor" in (indicator.alternative("tfea_agreed").decided_by or "")


def test_sfof_2022_loads_as_a_partial_framework() -> None:
    sfof = load_framework("sfof-2022")
    assert sfof.minimum_headline_issues == 3
    assert [issue.name for issue in sfof.headline_issues] == [
        "Getting a good education",
        "Good early years development",
        "Improved mental and physical health",
        "Better managed substance use",
        "Improved family relationships",
        "Children safe from abuse and exploitation",
        "Families diverted from crime",
        "Safe from domestic abuse",
        "Secure housing",
        "Financial stability",
    ]
    for indicator in sfof.indicators:
        assert [(alt.amount, alt.unit, alt.anchor) for alt in indicator.sustainment] == [(6, M, "closure")]
    assert sfof.missing and not sfof.is_complete


def test_available_frameworks_lists_both_versions() -> None:
    assert available_frameworks() == ["fop-2017", "sfof-2022"]


def test_load_framework_is_cached_and_immutable() -> None:
    fop = load_framework("fop-2017")
    assert load_framework("fop-2017") is fop
    with pytest.raises(dataclasses.FrozenInstanceError):
        fop.minimum_headline_issues = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fop.indicator(1).sustainment[0].amount = 1  # type: ignore[misc]


def test_unknown_framework_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown framework 'fop-2099'.*fop-2017, sfof-2022"):
        load_framework("fop-2099")
