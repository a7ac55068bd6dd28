"""The shared page components in web/ui/templates/ui/components/, rendered on their own."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import lxml.html
from flask import Flask, render_template_string

NOW = datetime(2027, 3, 16, 12, 0, tzinfo=UTC)


def render(app: Flask, source: str, **context: object) -> lxml.html.HtmlElement:
    with app.test_request_context():
        return lxml.html.fragment_fromstring(render_template_string(source, **context), create_parent="div")


def test_a_table_has_its_caption_column_headers_sort_and_hidden_labels_and_the_callers_rows(app: Flask) -> None:
    page = render(app, """{% from "ui/components/table.html" import table %}
        {% call table("Tasks", ["Task", {"text": "People", "numeric": true}, {"text": "Waiting", "sort": "descending"},
                                {"text": "Action", "hidden": true}], id="tasks") %}
          <tr class="govuk-table__row"><td class="govuk-table__cell">Triage</td></tr>
        {% endcall %}""")
    table = page.find(".//div[@class='app-table-wrap']/table[@id='tasks']")
    assert table is not None and table.findtext("caption").strip() == "Tasks"
    headers = table.findall("thead/tr/th")
    assert [h.text_content() for h in headers] == ["Task", "People", "Waiting", "Action"]
    assert all(h.get("scope") == "col" for h in headers)
    assert "govuk-table__header--numeric" in headers[1].get("class")
    assert headers[2].get("aria-sort") == "descending" and headers[0].get("aria-sort") is None
    assert headers[3].find("span").get("class") == "govuk-visually-hidden"
    assert [td.text for td in table.findall("tbody/tr/td")] == ["Triage"]


def test_cursor_pagination_is_left_out_when_there_is_no_other_page(app: Flask) -> None:
    source = '{% from "ui/components/pagination.html" import cursor_pagination %}' \
             '{{ cursor_pagination(first, next, "Pages of tasks") }}'
    assert render(app, source, first=None, next=None).find(".//nav") is None
    nav = render(app, source, first="/inbox", next="/inbox?cursor=abc").find(".//nav")
    assert nav.get("aria-label") == "Pages of tasks"
    assert [(a.get("rel"), a.get("href"), a.text_content()) for a in nav.iter("a")] == [
        ("prev", "/inbox", "First page"), ("next", "/inbox?cursor=abc", "Next page")]


def test_page_pagination_numbers_the_pages_around_the_current_one(app: Flask) -> None:
    source = '{% from "ui/components/pagination.html" import page_pagination %}' \
             '{{ page_pagination(page, pages, page_url, "Pages of the pool", fragment="#pool") }}'
    assert render(app, source, page=1, pages=1, page_url=str).find(".//nav") is None
    nav = render(app, source, page=6, pages=12, page_url=lambda n: f"/pool?page={n}").find(".//nav")
    items = [li.text_content() for li in nav.iter("li")]
    assert items == ["1", "\u22ef", "4", "5", "6", "7", "8", "\u22ef", "12"]
    current = nav.find(".//a[@aria-current='page']")
    assert current is not None and current.get("href") == "/pool?page=6#pool"
    assert nav.find(".//a[@rel='prev']").get("href") == "/pool?page=5#pool"


def test_a_due_date_past_now_carries_an_overdue_tag_as_markup(app: Flask) -> None:
    source = '{% from "ui/components/task.html" import due %}' \
             '{% from "ui/components/summary-list.html" import summary_list %}' \
             '<p>{{ due(task, now) }}</p>{{ summary_list([("Due", due(task, now)), ("Note", note)]) }}'
    overdue = SimpleNamespace(due_at=datetime(2027, 3, 1, 17, 0, tzinfo=UTC))
    page = render(app, source, task=overdue, now=NOW, note="<b>text, not markup</b>")
    assert [tag.text for tag in page.findall(".//strong[@class='govuk-tag govuk-tag--red']")] == ["Overdue"] * 2
    assert page.find(".//dd//b") is None and "<b>text, not markup</b>" in page.text_content()
    assert page.find("p").text_content() == "1 March 2027, 5:00pm Overdue"
    waiting = render(app, source, task=SimpleNamespace(due_at=None), now=NOW, note="")
    assert waiting.find("p").text_content() == "No due date" and waiting.find(".//strong") is None


def test_task_actions_offer_claim_or_release_with_the_task_named_for_screen_readers(app: Flask) -> None:
    source = '{% from "ui/components/task.html" import task_actions %}' \
             '{{ task_actions(task, claim=claim, release=release, about="Triage F-1") }}'
    task = SimpleNamespace(id="t1")
    claim = render(app, source, task=task, claim=True, release=True).findall(".//button")
    assert [(b.get("value"), b.text_content()) for b in claim] == [("claim:t1", "Claim Triage F-1")]
    release = render(app, source, task=task, claim=False, release=True).findall(".//button")
    assert [(b.get("value"), b.text_content()) for b in release] == [("unclaim:t1", "Release Triage F-1")]
    assert render(app, source, task=task, claim=False, release=False).findall(".//button") == []


def test_a_family_reference_links_to_its_case_only_when_the_page_gives_a_case_url(app: Flask) -> None:
    source = '{% from "ui/components/family-link.html" import family_link %}<p>{{ family_link(ref, case_url) }}</p>'
    linked = render(app, source, ref="F-1", case_url=lambda ref: f"/families/{ref}")
    assert linked.find(".//a").get("href") == "/families/F-1" and linked.text_content() == "F-1"
    plain = render(app, source, ref="F-1", case_url=lambda ref: None)
    assert plain.find(".//a") is None and plain.text_content() == "F-1"
