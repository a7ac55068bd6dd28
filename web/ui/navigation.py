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
    Section("Tasks", "ui.inbox", STAFF, ("ui.inbox", "ui.task")),
    Section("Refer a family", "ui.referral_start", REFERRAL_STARTERS, ("ui.referral_",)),
    Section("Audits", "ui.tf_audits", TF_GROUPS, ("ui.tf_audits",)),
    Section("Claim windows", "ui.tf_claim_windows", TF_READERS,
            ("ui.tf_claim_window", "ui.tf_invalidate_claim")),
    Section("Dashboard", "ui.dashboard",
            DASHBOARD_VIEWERS,
            ("ui.dashboard",)),
    Section("Families", "ui.admin_families", ADMINS,
            ("ui.admin_families", "ui.family_access_log", "ui.subject_access")),
    Section("Users", "ui.admin_users", ADMINS, ("ui.admin_user",)),
    Section("Groups", "ui.admin_groups", ADMINS, ("ui.admin_groups",)),
    Section("Teams", "ui.admin_teams", ADMINS, ("ui.admin_teams",)),
    Section("Definitions", "ui.admin_definitions", DEFINITION_MANAGERS, ("ui.admin_definitions",)),
)


def _is_current(section: Section, endpoint: str | None) -> bool:
    return endpoint is not None and endpoint.startswith(section.current)


def navigation(actor: Actor | None, endpoint: str | None) -> list[dict[str, Any]]:
    """govukServiceNavigation items for this person, the current page's section marked active."""
    if actor is None:
        return []
    return [{"href": url_for(s.endpoint), "text": s.text, "active": _is_current(s, endpoint)}
            for s in SECTIONS if s.groups & actor.groups]
