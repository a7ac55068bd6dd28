"""A task's page: the case beside the form, validation with the error summary, drafts, the next task."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.access import Actor
from engine.models import HumanTask
from tests.fixtures.client_request import Page, normalise
from tests.fixtures.pages import FAMILY, complete_summary, csrf, sign_in, start
from web.extensions import db
from web.ui.models import TaskDraft
from web.wiring import get_engine

VALID = {"closed_on-day": "10", "closed_on-month": "1", "closed_on-year": "2026", "summary": "Done",
         "evidence": "On file", "outcomes-count": "1", "outcomes-0-person_id": "P2", "outcomes-0-indicator": "7",
         "outcomes-0-achieved": "true", "outcomes-0-evidence": "95% attendance"}


def _open(instance_id: int) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.state == "open")).one()


def test_the_page_shows_the_case_beside_the_form(client: FlaskClient, people: None) -> None:
    task = _open(start())
    sign_in(client, "cm1")
    response = client.get(f"/tasks/{task.id}")
    page = Page(response)
    page.check_title()
    case = page.text("aside.app-case")
    assert "Sam Smith" in case and "Alex Smith" in case  # household
    assert "Education" in case and "7. Child persistently absent from school (Alex Smith)" in case
    assert "Worklessness, NEET and financial exclusion" in case
    form = page.select_one("#task-form")
    assert form.select_one('[name="closed_on-day"]') and form.select_one('[name="outcomes-0-indicator"]')
    # household choices for the person select
    assert form.select_one('select[name="outcomes-0-person_id"] option[value="P2"]').get_text() == "Alex Smith"
    assert form.select_one('input[name="outcomes-0-achieved"][type="radio"][value="true"]')


def test_errors_show_the_summary_and_keep_the_answers_as_a_draft(client: FlaskClient, people: None) -> None:
    task = _open(start())
    sign_in(client, "cm1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), "summary": "Half written",
                                                      "closed_on-day": "31", "closed_on-month": "2",
                                                      "closed_on-year": "2026", "action": "continue"})
    assert response.status_code == 400
    page = Page(response)
    page.check_title()
    assert page.title.startswith("Error: ") and page.text(".govuk-error-summary__title") == "There is a problem"
    links = {a["href"]: normalise(a.get_text()) for a in page.select(".govuk-error-summary__list a")}
    assert "Date the case closed must be a real date" in links["#closed_on-day"]
    assert "Enter the supporting evidence" in links["#evidence"]
    assert page.select_one('#task-form [name="summary"]').get_text() == "Half written"
    draft = db.session.get(TaskDraft, (_user_id("cm1"), task.id))
    assert draft is not None and draft.answers["summary"] == ["Half written"]


def _user_id(username: str) -> int:
    from engine.models import User

    return int(db.session.scalar(select(User.id).where(User.username == username)) or 0)


def test_add_another_and_remove_rows(client: FlaskClient, people: None) -> None:
    task = _open(start())
    sign_in(client, "cm1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), "outcomes-count": "1",
                                                      "outcomes-0-evidence": "first", "action": "add:outcomes"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#outcomes")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    form = Page.parse(page).select_one("#task-form")
    assert form.select_one('[name="outcomes-1-evidence"]') is not None
    assert form.select_one('[name="outcomes-0-evidence"]').get_text() == "first"
    client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), "outcomes-count": "2",
                                           "outcomes-0-evidence": "first", "outcomes-1-evidence": "second",
                                           "action": "remove:outcomes:0"})
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="outcomes-1-evidence"' not in page
    assert re.search(r'name="outcomes-0-evidence"[^>]*>second', page)


def test_save_and_come_back_later_keeps_the_answers_for_that_person_only(client: FlaskClient, people: None) -> None:
    task = _open(start())
    sign_in(client, "cm1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), "summary": "My notes",
                                                      "action": "save"})
    assert response.headers["Location"].endswith("/inbox")
    assert Page(client.get(f"/tasks/{task.id}")).select_one('#task-form [name="summary"]').get_text() == "My notes"
    other = client.application.test_client()
    sign_in(other, "tm1")  # a manager who can see the task never sees someone else's draft
    seen = other.get(f"/tasks/{task.id}")
    assert seen.status_code == 200 and "My notes" not in seen.get_data(as_text=True)


def test_an_expired_sessions_post_is_not_acted_on_but_kept_as_a_draft(client: FlaskClient, people: None) -> None:
    task = _open(start())
    sign_in(client, "cm1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    get_engine().clock.advance("PT45M")  # type: ignore[attr-defined]
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), **VALID, "action": "continue"})
    assert response.status_code == 302 and "timeout=1" in response.headers["Location"]
    db.session.refresh(task)
    assert task.state == "open"  # never completed from an expired session
    back = sign_in(client, "cm1", next_path=f"/tasks/{task.id}")
    assert back.headers["Location"].endswith(f"/tasks/{task.id}")
    page = Page(client.get(f"/tasks/{task.id}"))
    assert page.select_one('#task-form [name="outcomes-0-evidence"]').get_text() == "95% attendance"
    assert "These are the answers you saved" in page.text(".govuk-inset-text")


def test_completing_shows_the_next_task(client: FlaskClient, people: None) -> None:
    instance_id = start()
    task = _open(instance_id)
    sign_in(client, "cm1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    start(data=None)  # another family's summary waits in cm1's tasks
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), **VALID, "action": "continue"})
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.state == "completed"
    assert db.session.get(TaskDraft, (_user_id("cm1"), task.id)) is None
    next_id = response.headers["Location"].rsplit("/", 1)[1]
    assert next_id != task.id and db.session.get(HumanTask, next_id).bpmn_id == "summary"  # type: ignore[union-attr]


def test_a_manager_approves_after_a_validation_error(client: FlaskClient, people: None) -> None:
    instance_id = start()
    complete_summary(instance_id)
    approval = _open(instance_id)
    sign_in(client, "tm1")
    page = client.get(f"/tasks/{approval.id}").get_data(as_text=True)
    bad = client.post(f"/tasks/{approval.id}", data={"csrf_token": csrf(page), "decision": "return",
                                                     "action": "continue"})
    assert "Enter the reasons for returning the closure summary" in Page(bad).error_summary
    good = client.post(f"/tasks/{approval.id}", data={"csrf_token": csrf(page), "decision": "approve",
                                                      "evidence_checked": "true", "action": "continue"})
    assert good.status_code == 302 and good.headers["Location"].endswith("/inbox")
    db.session.refresh(approval)
    assert approval.state == "completed" and approval.completed_by == "tm1"


def test_one_who_loses_a_free_task_to_a_colleague_keeps_their_answers(client: FlaskClient, people: None) -> None:
    task = _open(start(data={**FAMILY, "allocation": {"team": "north"}}))  # the team's pool: nobody has it
    sign_in(client, "cm2")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    get_engine().claim(task.id, Actor("cm1", frozenset({"case_manager"}), frozenset({"north"})))
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), "action": "continue", **VALID})
    assert response.status_code == 409
    assert "the task is claimed by someone else" in response.get_data(as_text=True)  # nobody named
    draft = db.session.scalars(select(TaskDraft).where(TaskDraft.task_id == task.id)).one()
    assert draft.answers["summary"] == ["Done"]
    db.session.refresh(task)
    assert (task.state, task.assignee) == ("open", "cm1")
    assert client.get(f"/tasks/{task.id}").status_code == 404  # cm1's now: need to know


def test_a_closure_without_an_outcome_for_an_indicator_the_assessment_found_is_refused_on_the_page(
        client: FlaskClient, people: None) -> None:
    found = {"assessment": {"indicators": [{"person_id": "P1", "indicator": 16, "evidence": "On JSA"}]}}
    task = _open(start(data={**FAMILY, **found}))
    sign_in(client, "cm1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    response = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), **VALID, "action": "continue"})
    assert response.status_code == 400
    refused = Page(response)
    links = {a["href"]: normalise(a.get_text()) for a in refused.select(".govuk-error-summary__list a")}
    assert links == {"#outcomes": "Add the outcome for indicator 16 for Sam Smith: the assessment identified it"}
    assert "indicator 16 for Sam Smith" in refused.text("#task-form .govuk-error-message")  # on the field too
    assert _open(task.instance_id).id == task.id  # nothing completed
    both = {**VALID, "outcomes-count": "2", "outcomes-1-person_id": "P1", "outcomes-1-indicator": "16",
            "outcomes-1-achieved": "true", "outcomes-1-evidence": "In work since March"}
    done = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf(page), **both, "action": "continue"})
    assert done.status_code == 302
