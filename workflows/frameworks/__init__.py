"""Outcome frameworks (Family Outcomes Plans and their successors) as versioned, validated data."""

from workflows.frameworks.loader import (
    FRAMEWORKS_DIR,
    available_frameworks,
    load_framework,
    load_frameworks,
    validate_framework_file,
)
from workflows.frameworks.model import ANCHORS, ROLES, UNITS, Framework, HeadlineIssue, Indicator, Sustainment
from workflows.frameworks.schema import FrameworkError

__all__ = [
    "ANCHORS",
    "FRAMEWORKS_DIR",
    "ROLES",
    "UNITS",
    "Framework",
    "FrameworkError",
    "HeadlineIssue",
    "Indicator",
    "Sustainment",
    "available_frameworks",
    "load_framework",
    "load_frameworks",
    "validate_framework_file",
]
