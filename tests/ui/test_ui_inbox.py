"""The task inbox: tabs with counts, filters, claim and release, bulk claim, a manager reassigning."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import AccessLog, HumanTask
from tests.fixtures.client_request import Page, normalise
from tests.fixtures.pages import FAMILY, complete_summary, csrf, make_user, sign_in, start
from web.extensions import db


def _task(instance_id: int) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.state == "open")).one()


def _count(page: str, label: str) -> int:
    """The count in the badge of the task list tab called ``label``."""
    for link in Page.parse(page).select(".moj-sub-navigation__link"):
        badge = link.select_one(".moj-badge")
        if badge is not None and normalise(str(link.find(string=True))) == label:
            found = re.match(r"\d+", str(badge.find(string=True)))
            assert found, label
            return int(found.group(0))
    raise AssertionError(f"no tab {label!r}")


def test_my_tasks_lists_the_allocated_task_with_its_columns(client: FlaskClient, people: None) -> None:
    start()
    sign_in(client, "cm1")
    page = client.get("/inbox").get_data(as_text=True)
    [row] = Page.parse(page).rows("table")
    assert "Write the closure summary" in row[0]
    assert row[1] == "F-2027-000001" and row[2] == "Ashfield"
    assert _count(page, "My tasks") == 1
    assert _count(page, "Overdue") == 0
    assert db.session.scalar(select(AccessLog.resource_type).where(AccessLog.username == "cm1")) == "task_list"


def test_filters_narrow_the_list(client: FlaskClient, people: None) -> None:
    start()
    start(data={**FAMILY, "family_ref": "F-2027-000002", "district": "mansfield"})
    sign_in(client, "cm1")
    page = client.get("/inbox?tab=mine&district=mansfield").get_data(as_text=True)
    assert Page.parse(page).column("table", 1) == ["F-2027-000002"]
    assert "F-2027-000001" not in page
    page = client.get("/inbox?tab=mine&type=approve").get_data(as_text=True)
    assert "There are no tasks here that match the filters." in Page.parse(page).texts("main p")
    oldest = Page(client.get("/inbox?tab=mine&sort=oldest"))
    assert oldest.column("table", 1) == ["F-2027-000001", "F-2027-000002"]
    # The "Waiting" column holds durations: longest waiting first is descending, newest first ascending.
    assert oldest.text('th[aria-sort="descending"]') == "Waiting"
    assert Page(client.get("/inbox?tab=mine")).text('th[aria-sort="ascending"]') == "Waiting"


def test_a_team_task_is_claimed_and_released_from_the_list(client: FlaskClient, people: None) -> None:
    instance_id = start()
    complete_summary(instance_id)  # the approval goes to the team's managers, unclaimed
    approval = _task(instance_id)
    sign_in(client, "tm1")
    page = client.get("/inbox?tab=available").get_data(as_text=True)
    assert _count(page, "Tasks I can pick up") == 1
    response = client.post("/inbox", data={"csrf_token": csrf(page), "action": f"claim:{approval.id}",
                                           "return_to": "tab=mine"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox?tab=mine")
    db.session.refresh(approval)
    assert approval.assignee == "tm1"
    page = client.get("/inbox?tab=mine").get_data(as_text=True)
    client.post("/inbox", data={"csrf_token": csrf(page), "action": f"unclaim:{approval.id}"})
    db.session.refresh(approval)
    assert approval.assignee is None


def test_a_team_manager_reassigns_a_team_task(client: FlaskClient, people: None) -> None:
    task = _task(start())
    sign_in(client, "tm1")
    page = client.get("/inbox?tab=team").get_data(as_text=True)
    parsed = Page.parse(page)
    assert "Write the closure summary" in parsed.column("table", 1)[0]
    assert "Reassign selected tasks" in parsed.texts("h2")
    client.post("/inbox", data={"csrf_token": csrf(page), "action": "assign", "task": [task.id], "assignee": "cm2"})
    db.session.refresh(task)
    assert task.assignee == "cm2"
    # Someone outside the task's group and team cannot be given it.
    make_user("cm9", "case_manager", teams=("south",))
    client.post("/inbox", data={"csrf_token": csrf(page), "action": "assign", "task": [task.id], "assignee": "cm9"})
    db.session.refresh(task)
    assert task.assignee == "cm2"
    assert "Select a case manager of the team north: CM9 is not one" in Page(client.get("/inbox")).banner


def test_a_case_manager_cannot_reassign_nor_see_the_team_tab(client: FlaskClient, people: None) -> None:
    task = _task(start())
    sign_in(client, "cm2")
    page = client.get("/inbox").get_data(as_text=True)
    assert "My team&#39;s tasks" not in page and "My team's tasks" not in page
    assert not any("My team's tasks" in tab for tab in Page.parse(page).texts(".moj-sub-navigation__link"))
    client.post("/inbox", data={"csrf_token": csrf(page), "action": "assign", "task": [task.id], "assignee": "cm2"})
    db.session.refresh(task)
    assert task.assignee == "cm1"


def test_a_task_outside_my_groups_is_not_found(client: FlaskClient, people: None) -> None:
    task = _task(start())
    make_user("ehu", "early_help_unit")
    sign_in(client, "ehu")
    response = client.get(f"/tasks/{task.id}")
    assert response.status_code == 404
    assert Page(response).h1 == "Page not found"
    assert client.get("/tasks/no-such-task").status_code == 404
    assert client.get("/admin/users").status_code == 404


def test_a_team_manager_bulk_claims_approvals(client: FlaskClient, people: None) -> None:
    first, second = start(), start(data={**FAMILY, "family_ref": "F-2027-000002"})
    complete_summary(first)
    complete_summary(second)
    approvals = [_task(first), _task(second)]
    sign_in(client, "tm1")
    page = client.get("/inbox?tab=available").get_data(as_text=True)
    client.post("/inbox", data={"csrf_token": csrf(page), "action": "bulk-claim",
                                "task": [t.id for t in approvals]})
    for task in approvals:
        db.session.refresh(task)
        assert task.assignee == "tm1"
    assert "2 tasks claimed" in Page(client.get("/inbox")).banner


def test_pages_carry_security_headers_and_no_store(client: FlaskClient, people: None) -> None:
    sign_in(client, "cm1")
    response = client.get("/inbox")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Every page, 404s for a family included; only the public assets may be cached.
    assert client.get("/families/F-0000-000000").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/assets/app/app.css").headers.get("Cache-Control", "")


def test_a_manager_of_two_teams_picks_the_team(client: FlaskClient, people: None) -> None:
    start()
    make_user("tm2", "team_manager", teams=("north", "south"))
    sign_in(client, "tm2")
    page = client.get("/inbox?tab=team&team=south").get_data(as_text=True)
    parsed = Page.parse(page)
    assert parsed.text("#filter-team option[selected]") == "south"
    assert parsed.select_one("#filter-team option[selected]")["value"] == "south"
    assert any(text.startswith("There are no tasks here") for text in parsed.texts("main p"))
    assert "F-2027-000001" in Page(client.get("/inbox?tab=team&team=north")).column("table", 2)


def test_an_admin_sees_the_release_button_on_a_claimed_task(client: FlaskClient, people: None) -> None:
    # The inbox asks engine.access.may_release, the rule the release itself applies (admins included).
    from datetime import timedelta

    from web.wiring import get_engine

    instance_id = start()
    task = _task(instance_id)
    task.due_at = get_engine().clock.now() - timedelta(days=1)  # overdue: on a tab an admin sees
    db.session.commit()
    assert task.assignee == "cm1"
    sign_in(client, "admin")
    page = client.get("/inbox?tab=overdue").get_data(as_text=True)
    assert f'value="unclaim:{task.id}"' in page
