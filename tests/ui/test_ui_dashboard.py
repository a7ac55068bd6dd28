"""The managers' dashboard page: the numbers in its tables, who may see it, the empty state, the charts."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import User
from tests.fixtures.client_request import Page, normalise
from tests.fixtures.dashboard import independent_stages, seed
from tests.fixtures.lifecycle import Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password
from web.ui.dashboard.charts import Bar, bar_chart, label_lines
from web.ui.timefmt import london
from web.wiring import get_engine
from workflows.models import Claim, ClaimWindow

VIEWERS = ("tm1", "pm1", "co1", "admin", "owner")
OTHERS = ("cm1", "ehu1", "tf1", "pft1", "partner")


def passwords(*usernames: str) -> None:
    for user in db.session.scalars(select(User).where(User.username.in_(usernames))):
        set_password(db.session, user, PASSWORD)
    db.session.commit()


def open_dashboard(client: FlaskClient, username: str, query: str = "") -> Any:
    passwords(username)
    sign_in(client, username)
    return client.get("/dashboard" + query)


def tables(page: Page) -> dict[str, list[list[str]]]:
    """Each table by its caption: the rows as cell texts, the header row first."""
    found = {}
    for table in page.select("table"):
        caption = table.select_one("caption")
        found[normalise(caption.get_text(" ") if caption else "")] = [
            [normalise(cell.get_text(" ")) for cell in row.select("th, td")] for row in table.select("tr")]
    return found


def without_nonce(html: str) -> str:
    """The page's title and main part: what differs between any two pages is only the nonce and the URL."""
    document = lxml.html.fromstring(html)
    main = lxml.html.tostring(document.xpath("//main")[0], encoding="unicode")
    return document.xpath("string(//title)") + re.sub(r'nonce="[^"]*"', "", main)


def rows_by_first_cell(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def bars(page: Page, chart_id: str) -> int:
    return len(page.select(f'svg[id="{chart_id}"] rect[class="app-chart__bar"]'))


def test_the_tables_hold_the_councils_numbers(client: FlaskClient, journey: Journey) -> None:
    seed(journey)
    before = get_engine().clock.now()
    response = open_dashboard(client, "pm1")
    after = get_engine().clock.now()
    assert response.status_code == 200
    page = Page(response)
    found = tables(page)
    stages = found["Number of families at each stage, by district"]
    assert stages[0] == ["Stage", "Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark and Sherwood",
                         "Rushcliffe", "Total"]
    by_stage = rows_by_first_cell(stages)
    expected = independent_stages()
    districts = ["ashfield", "bassetlaw", "broxtowe", "gedling", "mansfield", "newark_and_sherwood", "rushcliffe"]
    for stage, label in (("case_management", "Early Help Case Management"), ("closed", "Closed"),
                         ("triage", "Referred, waiting for triage"), ("signposted", "Signposted")):
        counts = [expected[(stage, d)] for d in districts]
        assert by_stage[label] == [str(n) for n in counts] + [str(sum(counts))]
    assert by_stage["Early Help Case Management"] == ["1", "0", "0", "0", "0", "1", "0", "2"]
    assert by_stage["All families"][-1] == "7"
    reviews = rows_by_first_cell(found["Open and overdue action-plan reviews, by team"])
    assert reviews["Newark Early Help Case Management"] == ["Newark and Sherwood", "1", "1"]
    assert reviews["Ashfield Early Help Case Management"] == ["Ashfield", "1", "0"]
    assert reviews["Parenting and Family Team (no team)"] == ["", "1", "0"]
    assert reviews["All teams"] == ["", "3", "1"]
    headlines = rows_by_first_cell(found["Families on the register, by headline issue"])
    assert headlines["2. Education"] == ["4"] and headlines["3. Children who need help"] == ["0"]
    assert headlines["Families on the register"] == ["5"]
    claims = found["Claims in each window, by state"]
    assert claims[0] == ["Claim window", "Batched", "Submitted", "Paid", "Invalidated", "Total"]
    independent = {name: db.session.query(Claim).join(ClaimWindow).filter(ClaimWindow.name == name).count()
                   for name in ("Window 1", "Window 2", "Window 3")}
    assert claims[1:] == [["Window 1", "1", "1", "1", "0", str(independent["Window 1"])],
                          ["Window 2", "0", "0", "1", "1", str(independent["Window 2"])],
                          ["Window 3", "0", "0", "0", "0", "0"]]
    assert page.text("h1 + p").startswith("Counts as of ")
    assert page.text("h1 + p strong") in (london(before), london(after))
    # Numbers are right-aligned: every count cell and count heading is numeric.
    [window_3] = [th for th in page.select("th") if normalise(th.get_text(" ")) == "Window 3"]
    following = window_3.find_next_sibling("td")
    assert following is not None and following.get("class") == ["govuk-table__cell", "govuk-table__cell--numeric"]
    assert "Sam Smith" not in page.html and "F-20" not in page.html  # counts only: no family is named, anywhere


def test_each_chart_has_a_bar_per_row_and_a_name(client: FlaskClient, journey: Journey) -> None:
    seed(journey)
    page = Page(open_dashboard(client, "admin"))
    assert (bars(page, "chart-stages"), bars(page, "chart-reviews"), bars(page, "chart-headlines"),
            bars(page, "chart-claims")) == (6, 3, 6, 3)
    charts = page.select("svg")
    assert charts
    for chart in charts:
        assert chart.get("role") == "img"
        title, desc = str(chart.get("aria-labelledby")).split()
        assert chart.select_one(f':scope > title[id="{title}"]').get_text()  # type: ignore[union-attr]
        assert chart.select_one(f':scope > desc[id="{desc}"]').get_text()  # type: ignore[union-attr]
    assert page.select_one('svg[id="chart-reviews"] > desc').get_text() == \
        "Ashfield Early Help Case Management: 0; Newark Early Help Case Management: 1; " \
        "Parenting and Family Team (no team): 0"
    assert page.select("main script") == [] and "<script" not in str(page.select_one("main"))  # no JavaScript


def test_a_team_manager_sees_their_team_against_the_county(client: FlaskClient, journey: Journey) -> None:
    seed(journey)
    page = Page(open_dashboard(client, "tm2"))
    reviews = rows_by_first_cell(tables(page)["Open and overdue action-plan reviews, by team"])
    assert reviews["Ashfield Early Help Case Management Your team"] == ["Ashfield", "1", "0"]
    assert reviews["Newark Early Help Case Management"] == ["Newark and Sherwood", "1", "1"]  # the county too
    assert reviews["All teams"] == ["", "3", "1"]
    assert "Ashfield (your team)" in tables(page)["Number of families at each stage, by district"][0]
    assert page.text('a[href="/dashboard?district=ashfield"]') == "Show only Ashfield (your team)"
    assert page.select('svg[id="chart-reviews"] rect[fill="#003078"]')  # their team's bar stands out


def test_the_district_filter_narrows_every_panel(client: FlaskClient, journey: Journey) -> None:
    seed(journey)
    page = Page(open_dashboard(client, "co1", "?district=ashfield"))
    found = tables(page)
    stages = found["Number of families at each stage, by district"]
    assert stages[0] == ["Stage", "Ashfield"]
    assert rows_by_first_cell(stages)["Parenting and Family Team"] == ["1"]
    assert list(rows_by_first_cell(found["Open and overdue action-plan reviews, by team"])) == \
        ["Ashfield Early Help Case Management", "All teams"]
    assert rows_by_first_cell(found["Families on the register, by headline issue"])["Families on the register"] == ["2"]
    assert page.h1 == "Dashboard: Ashfield" and "Show the whole county" in page.texts('a[href="/dashboard"]')
    unknown = Page(client.get("/dashboard?district=atlantis"))
    assert tables(unknown)["Number of families at each stage, by district"][0][-1] == "Total"  # no filter at all


def test_managers_and_process_owners_see_it_and_nobody_else(client: FlaskClient, journey: Journey) -> None:
    passwords(*VIEWERS, *OTHERS)
    unknown_page = None
    for username in VIEWERS + OTHERS:
        sign_in(client, username)
        response = client.get("/dashboard")
        if username in VIEWERS:
            assert response.status_code == 200, username
            assert Page(response).h1 == "Dashboard"
        else:
            assert response.status_code == 404, username
            unknown_page = unknown_page or without_nonce(client.get("/no-such-page").get_data(as_text=True))
            assert without_nonce(response.get_data(as_text=True)) == unknown_page  # as if nothing were there
        client.delete_cookie("session")
    signed_out = client.get("/dashboard")
    assert signed_out.status_code == 302 and signed_out.headers["Location"].endswith("/sign-in?next=%2Fdashboard")


def test_an_empty_council_has_nothing_to_count(client: FlaskClient, journey: Journey) -> None:
    page = Page(open_dashboard(client, "tm1"))
    paragraphs = page.texts("main p")
    for message in ("No families have been referred yet.", "No action-plan reviews are open.",
                    "No families are on the register yet.", "No claim windows have been set up yet."):
        assert message in paragraphs
    assert page.select("table") == [] and page.select("svg") == []
    assert "<table" not in page.html and "<svg" not in page.html  # not even as text


def test_a_chart_escapes_wraps_and_survives_all_zeros() -> None:
    chart = str(bar_chart("c", "Teams <all>", [Bar("Newark and Sherwood Early Help Case Management", 0),
                                               Bar("<b>Health</b>", 0, highlight=True)]))
    document = lxml.html.fromstring(chart)
    assert document.xpath("string(//title)") == "Teams <all>" and "<b>" not in chart
    assert [t.text for t in document.xpath("//text[1]/tspan")] == ["Newark and Sherwood Early", "Help Case Management"]
    assert [r.get("width") for r in document.xpath("//rect")] == ["0", "0"]  # no division by zero
    assert label_lines("A " * 40) == ["A " * 13 + "A", "A " * 13 + "A…"]
