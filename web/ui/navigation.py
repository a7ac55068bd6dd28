"""The service navigation: which sections a person's groups give them, and which one is current.

A link is shown only to groups whose page answers them; every page still checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from engine.access import ADMIN, PROCESS_OWNER, TEAM_MANAGER, Actor
from workflows.read.family_view import TF_GROUPS

STAFF = frozenset({"early_help_unit", "case_manager", TEAM_MANAGER, "parenting_family_team", PROCESS_OWNER,
                   ADMIN}) | TF_GROUPS


@dataclass(frozen=True)
class Section:
    text: str
    endpoint: str
    groups: frozenset[str]
    current: tuple[str, ...]  # the endpoints (prefixes) of the pages that belong to this section


SECTIONS = (
    Section("Tasks", "ui.inbox", STAFF, ("ui.inbox", "ui.task")),
    Section("Refer a family", "ui.referral_start", frozenset({"referrer", "early_help_unit"}), ("ui.referral_",)),
    Section("Audits", "ui.tf_audits", TF_GROUPS, ("ui.tf_audits",)),
    Section("Claim windows", "ui.tf_claim_windows", TF_GROUPS | {ADMIN},
            ("ui.tf_claim_window", "ui.tf_invalidate_claim")),
    Section("Dashboard", "ui.dashboard",
            frozenset({TEAM_MANAGER, "tf_project_manager", "tf_coordinator", PROCESS_OWNER, ADMIN}),
            ("ui.dashboard",)),
    Section("Families", "ui.admin_families", frozenset({ADMIN}),
            ("ui.admin_families", "ui.family_access_log", "ui.subject_access")),
    Section("Users", "ui.admin_users", frozenset({ADMIN}), ("ui.admin_user",)),
    Section("Groups", "ui.admin_groups", frozenset({ADMIN}), ("ui.admin_groups",)),
    Section("Teams", "ui.admin_teams", frozenset({ADMIN}), ("ui.admin_teams",)),
    Section("Definitions", "ui.admin_definitions", frozenset({ADMIN, PROCESS_OWNER}), ("ui.admin_definitions",)),
)


def _is_current(section: Section, endpoint: str | None) -> bool:
    return endpoint is not None and endpoint.startswith(section.current)


def navigation(actor: Actor | None, endpoint: str | None) -> list[dict[str, Any]]:
    """govukServiceNavigation items for this person, the current page's section marked active."""
    if actor is None:
        return []
    return [{"href": url_for(s.endpoint), "text": s.text, "active": _is_current(s, endpoint)}
            for s in SECTIONS if s.groups & actor.groups]
