"""The managers' dashboard: families by stage and district, overdue reviews by team, identified
families by headline issue, claims by window and state; each a table with a bar chart beside it.

Counts only (workflows/read/dashboard.py, one GROUP BY per panel), so process owners may see it too
(they see counts, never family records) and no access-log entry is needed. A team manager sees the
whole county, so their team can be read against it, with their own team's rows and district marked.
Anyone outside the managers' groups gets the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import escape

from engine.access import Actor
from forms.choices import DISTRICTS
from web.extensions import db
from web.ui.admin.views import only
from web.ui.auth.session import current_actor
from web.ui.case.context import FOP, district_label
from web.ui.dashboard import bp
from web.ui.dashboard.charts import Bar, bar_chart
from web.ui.tasks.inbox import options
from web.wiring import get_engine
from workflows.access import DASHBOARD_VIEWERS, Role
from workflows.frameworks.loader import load_framework
from workflows.read import dashboard as q

# Short names for the chart labels; the table beside each chart has the FOP's full names.
HEADLINE_SHORT = ("Crime and anti-social behaviour", "Education", "Children who need help",
                  "Worklessness and NEET", "Domestic violence and abuse", "Health")
NO_TEAM = "Parenting and Family Team (no team)"


def num(value: int | str, **extra: Any) -> dict[str, Any]:
    """A right-aligned numeric govukTable cell."""
    return {"text": str(value), "format": "numeric", **extra}


@dataclass
class Panel:
    """One dashboard section: a govukTable's head and rows, and the chart beside it."""

    head: list[dict[str, Any]]
    rows: list[list[dict[str, Any]]] = field(default_factory=list)
    chart: Any = None

    @property
    def empty(self) -> bool:
        return not self.rows


def _own_districts(actor: Actor) -> set[str]:
    """The districts of a team manager's teams (a handful of primary-key reads)."""
    if Role.TEAM_MANAGER not in actor.groups:
        return set()
    return q.team_districts(db.session(), actor.teams)


def _mark(text: str, yours: bool, what: str) -> dict[str, Any]:
    if not yours:
        return {"text": text}
    return {"html": f'<strong>{escape(text)}</strong> <strong class="govuk-tag govuk-tag--blue">Your {what}</strong>'}


def stage_panel(counts: Iterable[q.StageCount], district: str | None, own: set[str]) -> Panel:
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in counts:
        table[row.stage][row.district] = table[row.stage].get(row.district, 0) + row.families
    districts = [d for d, _ in DISTRICTS if not district or d == district]
    head = [{"text": "Stage"},
            *({"text": label + (" (your team)" if value in own else ""), "format": "numeric"}
              for value, label in DISTRICTS if value in districts),
            *([{"text": "Total", "format": "numeric"}] if len(districts) > 1 else [])]
    panel = Panel(head)
    if not table:
        return panel
    totals: dict[str, int] = {}
    bars = []
    for stage, label in q.STAGES:
        by_district = table.get(stage, {})
        total = sum(by_district.values())
        totals[stage] = total
        cells = [num(by_district.get(d, 0)) for d in districts]
        panel.rows.append([{"text": label}, *cells, *([num(total)] if len(districts) > 1 else [])])
        bars.append(Bar(label, total))
    column_totals = [num(sum(table.get(s, {}).get(d, 0) for s, _ in q.STAGES)) for d in districts]
    panel.rows.append([{"html": "<strong>All families</strong>"}, *column_totals,
                       *([num(sum(totals.values()))] if len(districts) > 1 else [])])
    where = f" in {district_label(district)}" if district else ""
    panel.chart = bar_chart("chart-stages", f"Families by stage{where}", bars)
    return panel


def review_panel(teams: Iterable[q.TeamReviews], actor: Actor) -> Panel:
    head = [{"text": "Team"}, {"text": "District"}, {"text": "Reviews open", "format": "numeric"},
            {"text": "Overdue", "format": "numeric"}]
    panel = Panel(head)
    rows = sorted(teams, key=lambda t: (t.team_name or t.team_id or "~").lower())
    if not rows:
        return panel
    bars = []
    for team in rows:
        name = team.team_name or team.team_id or NO_TEAM
        yours = team.team_id is not None and team.team_id in actor.teams and Role.TEAM_MANAGER in actor.groups
        panel.rows.append([_mark(name, yours, "team"), {"text": district_label(team.district)},
                           num(team.open), num(team.overdue)])
        bars.append(Bar(name + (" (your team)" if yours else ""), team.overdue, highlight=yours))
    panel.rows.append([{"html": "<strong>All teams</strong>"}, {"text": ""}, num(sum(t.open for t in rows)),
                       num(sum(t.overdue for t in rows))])
    panel.chart = bar_chart("chart-reviews", "Overdue reviews by team", bars)
    return panel


def headline_panel(counts: dict[int, int]) -> Panel:
    panel = Panel([{"text": "Headline issue"}, {"text": "Families", "format": "numeric"}])
    if not counts.get(0):
        return panel
    bars = []
    issues = load_framework(FOP).headline_issues
    for issue, short in zip(issues, HEADLINE_SHORT, strict=True):
        number = issue.number
        panel.rows.append([{"text": f"{number}. {issue.name}"}, num(counts.get(number, 0))])
        bars.append(Bar(short, counts.get(number, 0)))
    panel.rows.append([{"html": "<strong>Families on the register</strong>"}, num(counts[0])])
    panel.chart = bar_chart("chart-headlines", "Identified families by headline issue", bars)
    return panel


def claim_panel(rows: Iterable[q.WindowClaims]) -> Panel:
    head = [{"text": "Claim window"}, *({"text": label, "format": "numeric"} for _, label in q.CLAIM_STATES),
            {"text": "Total", "format": "numeric"}]
    panel = Panel(head)
    windows: dict[int, tuple[str, dict[str, int]]] = {}
    for row in rows:
        name, states = windows.setdefault(row.window_id, (row.window, {}))
        if row.state is not None:
            states[row.state] = states.get(row.state, 0) + row.claims
    bars = []
    for name, states in windows.values():
        total = sum(states.values())
        panel.rows.append([{"text": name}, *(num(states.get(s, 0)) for s, _ in q.CLAIM_STATES), num(total)])
        bars.append(Bar(name, total))
    if windows:
        panel.chart = bar_chart("chart-claims", "Claims by window, all states", bars)
    return panel


@bp.get("/dashboard")
@only(*DASHBOARD_VIEWERS)
def dashboard() -> ResponseReturnValue:
    actor = current_actor()
    district = request.args.get("district") or None
    if district not in dict(DISTRICTS):
        district = None  # an unknown district is no filter, never an error page
    session = db.session()
    now = get_engine().clock.now()
    own = _own_districts(actor)
    panels = {
        "stages": stage_panel(q.families_by_stage(session, district), district, own),
        "reviews": review_panel(q.reviews_by_team(session, now, district), actor),
        "headlines": headline_panel(q.identified_by_headline(session, district)),
        "claims": claim_panel(q.claims_by_window(session, district)),
    }
    return render_template(
        "ui/dashboard/index.html", title="Dashboard", now=now, panels=panels, district=district,
        district_name=district_label(district) if district else None,
        district_items=options(DISTRICTS, district, "All districts"),
        own_districts=[(d, district_label(d)) for d in sorted(own)],
    )
