"""The process owners' studio pages (web/ui/admin/definitions.py): the versions with their live instances,
a version's page and files, the diff between two versions, uploading a bundle and rolling back. Process
owners and administrators only; everyone else gets 404."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import DefinitionVersion, ProcessVersion
from tests.fixtures.app import BPMN
from tests.fixtures.client_request import Page
from tests.fixtures.pages import csrf, sign_in, start
from web.extensions import db

CLOSURE = (BPMN / "closure.bpmn").read_bytes()
RENAMED = CLOSURE.replace(b'name="Write the closure summary"', b'name="Write the summary"')
UNKNOWN_LANE = CLOSURE.replace(b'<bpmn:lane id="lane_team_manager" name="team_manager">',
                               b'<bpmn:lane id="lane_team_manager" name="social_workers">')


def versions() -> list[tuple[int, str]]:
    return [(number, note) for number, note in db.session.execute(
        select(ProcessVersion.number, ProcessVersion.note).where(ProcessVersion.process_id == "closure")
        .order_by(ProcessVersion.number))]


def bundles() -> int:
    return db.session.scalar(select(func.count()).select_from(DefinitionVersion)) or 0


def upload(client: FlaskClient, files: dict[str, bytes], note: str) -> Page:
    token = csrf(client.get("/admin/definitions/upload").get_data(as_text=True))
    data = {"csrf_token": token, "note": note, "files": [(io.BytesIO(c), name) for name, c in files.items()]}
    return Page(client.post("/admin/definitions/upload", data=data, content_type="multipart/form-data",
                            follow_redirects=True))


PAGES = ("/admin/definitions", "/admin/definitions/closure/versions/1",
         "/admin/definitions/closure/versions/1/files/closure.bpmn", "/admin/definitions/closure/diff",
         "/admin/definitions/upload")


@pytest.mark.parametrize("username", ["cm1", "tm1"])
def test_the_studio_is_not_found_for_anyone_but_process_owners_and_admins(
        client: FlaskClient, people: None, username: str) -> None:
    sign_in(client, username)
    token = csrf(client.get("/tasks").get_data(as_text=True))
    for path in PAGES:
        assert client.get(path).status_code == 404, path
    for path in ("/admin/definitions/upload", "/admin/definitions/closure/versions/1/rollback"):
        assert client.post(path, data={"csrf_token": token, "note": "Mine now"}).status_code == 404, path
    assert versions() == [(1, "Deployed by the test")]


@pytest.mark.parametrize("username", ["owner", "admin"])
def test_process_owners_and_admins_read_every_page(client: FlaskClient, people: None, username: str) -> None:
    sign_in(client, username)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    for path in ("/admin/definitions/closure/versions/2", "/admin/definitions/nobody/versions/1",
                 "/admin/definitions/closure/versions/2147483648", "/admin/definitions/nobody/diff",
                 "/admin/definitions/closure/versions/1/files/other.bpmn"):
        assert client.get(path).status_code == 404, path


def test_an_upload_publishes_a_version_the_list_shows_with_its_live_instances(
        client: FlaskClient, people: None) -> None:
    start()
    sign_in(client, "owner")
    page = upload(client, {"closure.bpmn": RENAMED}, "Shorter name for the summary task")
    assert page.banner == "Published closure version 2"
    assert versions() == [(1, "Deployed by the test"), (2, "Shorter name for the summary task")]
    start()
    start()
    listed = Page(client.get("/admin/definitions"))
    assert listed.text("[data-live-meaning]") == ("Live instances: how many families wait at a step of the process "
                                                  "now, on each version. A family counts in a process it calls "
                                                  "once it gets there.")
    rows = listed.rows("table")
    assert [row[0] for row in rows] == ["2 of closure Current", "1 of closure"]
    assert [(row[1], row[3], row[5]) for row in rows] == [
        ("owner", "Shorter name for the summary task", "2"), ("setup", "Deployed by the test", "1")]
    sha = db.session.scalar(select(ProcessVersion.sha256).where(ProcessVersion.number == 2))
    assert sha is not None and rows[0][4] == sha[:12]


def test_an_upload_with_a_problem_shows_it_in_the_error_summary_and_writes_nothing(
        client: FlaskClient, people: None) -> None:
    sign_in(client, "owner")
    before = bundles()
    page = upload(client, {"closure.bpmn": UNKNOWN_LANE}, "New lane")
    assert page.response.status_code == 400
    (message,) = page.error_summary
    assert message.startswith("closure.bpmn, process 'closure', element 'social_workers' (lane_team_manager), line ")
    assert "lane 'social_workers' does not name a known group" in message
    assert page.error_summary_links[0][0] == "#files"
    assert page.title.startswith("Error: ")
    assert (versions(), bundles()) == ([(1, "Deployed by the test")], before)


@pytest.mark.parametrize(("files", "note", "expected"), [
    ({"closure.bpmn": RENAMED}, " ", ["Enter a change note: what changed and why"]),
    ({}, "A note", ["Select at least one .bpmn or .dmn file"]),
    ({"closure.bpmn": RENAMED}, "x" * 2001, ["The change note must be 2000 characters or fewer"]),
])
def test_an_upload_without_files_or_a_note_is_refused(client: FlaskClient, people: None, files: dict[str, bytes],
                                                     note: str, expected: list[str]) -> None:
    sign_in(client, "owner")
    page = upload(client, files, note)
    assert page.response.status_code == 400
    assert page.error_summary == expected
    assert versions() == [(1, "Deployed by the test")]


def test_the_version_page_draws_its_process_and_offers_its_files(client: FlaskClient, people: None) -> None:
    sign_in(client, "owner")
    page = Page(client.get("/admin/definitions/closure/versions/1"))
    page.check_title()
    assert (page.h1, page.text("[data-current]")) == ("Version 1", "Current")
    assert page.summary_list()["Change note"] == "Deployed by the test"
    diagram = json.loads(page.text("#studio-version"))
    assert diagram == {"url": "/admin/definitions/closure/versions/1/files/closure.bpmn", "live": {}}  # none yet
    assert client.get(diagram["url"]).data == CLOSURE
    (link,) = page.select("a[download]")
    downloaded = client.get(str(link["href"]))
    assert downloaded.data == CLOSURE and "attachment" in downloaded.headers["Content-Disposition"]
    assert not page.select("form[action$='/rollback']")  # the current version has nothing to roll back to


def test_the_diff_page_lists_the_changes_in_words_with_both_diagrams(client: FlaskClient, people: None) -> None:
    sign_in(client, "owner")
    upload(client, {"closure.bpmn": RENAMED}, "Shorter name")
    page = Page(client.get("/admin/definitions/closure/diff?from=1&to=2"))
    page.check_title()
    assert page.h1 == "Version 1 to version 2"
    assert page.texts("[data-changes] li") == ["Task 'Write the closure summary' renamed to 'Write the summary'"]
    assert json.loads(page.text("#studio-diff")) == {
        "old": "/admin/definitions/closure/versions/1/files/closure.bpmn",
        "new": "/admin/definitions/closure/versions/2/files/closure.bpmn"}
    assert Page(client.get("/admin/definitions/closure/diff?from=2&to=2")).text("[data-changes]") == \
        "The two versions run the same."


def test_rollback_needs_a_note_and_publishes_the_older_content_as_a_new_current_version(
        client: FlaskClient, people: None) -> None:
    sign_in(client, "owner")
    upload(client, {"closure.bpmn": RENAMED}, "Shorter name")
    token = csrf(client.get("/admin/definitions/closure/versions/1").get_data(as_text=True))
    refused = Page(client.post("/admin/definitions/closure/versions/1/rollback", data={"csrf_token": token,
                                                                                       "note": "  "}))
    assert refused.response.status_code == 400
    assert refused.error_summary == ["Enter a change note: what changed and why"]
    assert versions() == [(1, "Deployed by the test"), (2, "Shorter name")]
    done = Page(client.post("/admin/definitions/closure/versions/1/rollback",
                            data={"csrf_token": token, "note": "The old name was clearer"}, follow_redirects=True))
    assert done.banner == "Version 3 of closure is now current, with the content of version 1"
    assert (done.h1, done.text("[data-current]")) == ("Version 3", "Current")
    assert versions()[-1] == (3, "The old name was clearer")
    shas = {n: sha for n, sha in db.session.execute(select(ProcessVersion.number, ProcessVersion.sha256))}
    assert shas[3] == shas[1] != shas[2]


def test_the_version_page_counts_the_families_waiting_at_each_step(client: FlaskClient, people: None) -> None:
    sign_in(client, "owner")
    assert Page(client.get("/admin/definitions/closure/versions/1")).text("[data-live-none]") == \
        "No family is waiting on this version."
    start()
    start()
    db.session.commit()
    page = Page(client.get("/admin/definitions/closure/versions/1"))
    assert json.loads(page.text("#studio-version"))["live"] == {"summary": 2}
    assert page.rows("#live-counts") == [["Write the closure summary", "2"]]
    upload(client, {"closure.bpmn": RENAMED}, "Shorter name")
    assert Page(client.get("/admin/definitions/closure/versions/2")).select("[data-live-none]")  # not version 1's


def two_processes(first: str, second: str) -> bytes:
    """One file defining two processes, each a single user task named as given."""
    def process(pid: str, name: str) -> str:
        return (f'<bpmn:process id="{pid}" isExecutable="true"><bpmn:laneSet id="ls_{pid}"><bpmn:lane id="l_{pid}" '
                f'name="case_manager"><bpmn:flowNodeRef>t_{pid}</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
                f'<bpmn:startEvent id="s_{pid}"><bpmn:outgoing>a_{pid}</bpmn:outgoing></bpmn:startEvent>'
                f'<bpmn:userTask id="t_{pid}" name="{name}"><bpmn:incoming>a_{pid}</bpmn:incoming>'
                f'<bpmn:outgoing>b_{pid}</bpmn:outgoing></bpmn:userTask>'
                f'<bpmn:endEvent id="e_{pid}"><bpmn:incoming>b_{pid}</bpmn:incoming></bpmn:endEvent>'
                f'<bpmn:sequenceFlow id="a_{pid}" sourceRef="s_{pid}" targetRef="t_{pid}"/>'
                f'<bpmn:sequenceFlow id="b_{pid}" sourceRef="t_{pid}" targetRef="e_{pid}"/></bpmn:process>')
    return ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
            'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="two" targetNamespace="t">'
            f'{process("first", first)}{process("second", second)}</bpmn:definitions>').encode()


def test_a_rollback_warns_and_says_when_the_file_holds_another_process_too(client: FlaskClient,
                                                                           people: None) -> None:
    sign_in(client, "owner")
    upload(client, {"two.bpmn": two_processes("A", "B")}, "Both")
    upload(client, {"two.bpmn": two_processes("A2", "B2")}, "Both renamed")
    page = Page(client.get("/admin/definitions/first/versions/1"))
    assert page.text("[data-rollback-beside]") == (
        "! Warning two.bpmn also defines second: where it has changed since, it goes back to this file's "
        "content too, as a new version.")
    done = Page(client.post("/admin/definitions/first/versions/1/rollback", follow_redirects=True, data={
        "csrf_token": csrf(page.html), "note": "Back to A"}))
    assert done.banner == ("Version 3 of first is now current, with the content of version 1 "
                           "(also published from the same file: second version 3)")
