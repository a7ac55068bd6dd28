"""The service navigation: which sections a person's groups give them, and which one is current.

A link is shown only to groups whose page answers them; every page still checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from engine.access import Actor
from workflows.access import (
    ADMINS,
    DASHBOARD_VIEWERS,
    DEFINITION_MANAGERS,
    REFERRAL_STARTERS,
    STAFF,
    TF_GROUPS,
    TF_READERS,
)


@dataclass(frozen=True)
class Section:
    text: str
    endpoint: str
    groups: frozenset[str]
    current: tuple[str, ...]  # the endpoints (prefixes) of the pages that belong to this section


SECTIONS = (
    Section("Tasks", "tasks.inbox", STAFF, ("tasks.inbox", "tasks.task")),
    Section("Refer a family", "referral.referral_start", REFERRAL_STARTERS, ("referral.referral_",)),
    Section("Audits", "tf.tf_audits", TF_GROUPS, ("tf.tf_audits",)),
    Section("Claim windows", "tf.tf_claim_windows", TF_READERS,
            ("tf.tf_claim_window", "tf.tf_invalidate_claim")),
    Section("Dashboard", "dashboard.dashboard",
            DASHBOARD_VIEWERS,
            ("dashboard.dashboard",)),
    Section("Families", "privacy.admin_families", ADMINS,
            ("privacy.admin_families", "privacy.family_access_log", "privacy.subject_access")),
    Section("Users", "admin.admin_users", ADMINS, ("admin.admin_user",)),
    Section("Groups", "admin.admin_groups", ADMINS, ("admin.admin_groups",)),
    Section("Teams", "admin.admin_teams", ADMINS, ("admin.admin_teams",)),
    Section("Definitions", "admin.admin_definitions", DEFINITION_MANAGERS, ("admin.admin_definitions",)),
)


def _is_current(section: Section, endpoint: str | None) -> bool:
    return endpoint is not None and endpoint.startswith(section.current)


def navigation(actor: Actor | None, endpoint: str | None) -> list[dict[str, Any]]:
    """govukServiceNavigation items for this person, the current page's section marked active."""
    if actor is None:
        return []
    return [{"href": url_for(s.endpoint), "text": s.text, "active": _is_current(s, endpoint)}
            for s in SECTIONS if s.groups & actor.groups]
