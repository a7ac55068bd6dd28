"""Fixed answer lists, as ``(value, label)`` pairs. Values are stored; labels are shown."""

from __future__ import annotations

from typing import Any

Choices = tuple[tuple[Any, str], ...]

YES_NO: Choices = ((True, "Yes"), (False, "No"))

DISTRICTS: Choices = (
    ("ashfield", "Ashfield"),
    ("bassetlaw", "Bassetlaw"),
    ("broxtowe", "Broxtowe"),
    ("gedling", "Gedling"),
    ("mansfield", "Mansfield"),
    ("newark_and_sherwood", "Newark and Sherwood"),
    ("rushcliffe", "Rushcliffe"),
)

ROLES: Choices = (("adult", "Adult"), ("child", "Child"))

GENDERS: Choices = (("female", "Female"), ("male", "Male"), ("other", "Other"), ("not_known", "Not known"))

ROUTES: Choices = (
    ("case_management", "Early Help Case Management"),
    ("parenting_family_team", "Parenting and Family Team"),
    ("signpost_internal", "Signpost to a council service"),
    ("signpost_external", "Signpost to a service outside the council"),
    ("no_further_action", "No further action"),
)
SIGNPOSTING_ROUTES = frozenset({"signpost_internal", "signpost_external"})

BENEFITS: Choices = (
    ("jsa", "Jobseeker's Allowance"),
    ("esa", "Employment and Support Allowance"),
    ("income_support", "Income Support"),
    ("incapacity", "Incapacity Benefit"),
    ("severe_disablement", "Severe Disablement Allowance"),
    ("carers_allowance", "Carer's Allowance"),
    ("universal_credit", "Universal Credit"),
)

PROGRESS: Choices = (
    ("achieved", "Achieved"),
    ("on_track", "On track"),
    ("some_progress", "Some progress"),
    ("no_progress", "No progress"),
)

CLOSURE_DECISIONS: Choices = (
    ("approve", "Approve the closure summary"),
    ("return", "Return it with reasons"),
)
AUDIT_RESULTS: Choices = (("pass", "Pass"), ("fail", "Fail"))
BATCH_DECISIONS: Choices = (("submit", "Submit the claim batch"), ("hold", "Hold the claim batch"))

# The 29 eligibility indicators of the Family Outcomes Plan (amended July 2017), shortened for a select.
# Which indicator applies to whom, and its outcome window, is workflows' data, not this list.
_INDICATOR_LABELS = (
    "Child who has committed a proven offence in the last 12 months",
    "Adult or child with an anti-social behaviour intervention in the last 12 months",
    "Adult prisoner less than 12 months from release, with parenting responsibilities",
    "Adult on licence or supervision after prison, with parenting responsibilities",
    "Adult who has committed a proven offence in the last 12 months",
    "Adult or child whose behaviour is of concern to professionals",
    "Child persistently absent from school",
    "Child with 3 or more fixed-term exclusions in the last 3 terms",
    "Child permanently excluded or in alternative provision for behaviour",
    "Child not registered with a school nor educated otherwise",
    "Child identified as needing early help",
    "Child in need under section 17 of the Children Act 1989",
    "Child who has been subject to a section 47 enquiry",
    "Child subject to a child protection plan",
    "Child under 5 needing early help or at risk of poor parenting",
    "Adult on out-of-work benefits, or on Universal Credit with work-related conditions",
    "Child about to leave school with no planned education, training or employment",
    "Child or young person not in education, training or employment",
    "Family at significant risk of financial exclusion or homelessness due to debt",
    "Person experiencing or at risk of domestic violence or abuse",
    "Young person (16 or over) or adult who has perpetrated domestic violence or abuse",
    "Household with a police call-out for a domestic incident in the last 12 months",
    "Adult with parenting responsibilities who has a mental health problem",
    "Adult with parenting responsibilities who has a drug or alcohol problem",
    "New mother with a mental health or substance misuse problem",
    "Child who has a mental health problem",
    "Child who has a drug or alcohol problem",
    "Person referred by health professionals with a physical or mental health concern",
    "Child under 5 needing early help due to physical or mental health problems",
)
INDICATORS: Choices = tuple(
    (number, f"{number}. {label}") for number, label in enumerate(_INDICATOR_LABELS, start=1)
)
FIRST_INDICATOR, LAST_INDICATOR = 1, len(INDICATORS)
