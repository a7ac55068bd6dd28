"""Browser tests: Playwright for Python driving Debian's Chromium against the app in a thread.

The app under test is the session's app (the test database, the manual clock), served by werkzeug on
127.0.0.1 at a random port. Every page a test visits is checked with axe-core for WCAG 2.2 A/AA.
On SQLite every transaction takes the one writer lock (BEGIN IMMEDIATE): the test thread commits or
rolls back after touching the database, so the server's threads are never kept waiting.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from engine.models import User
from tests.fixtures.pages import PASSWORD
from web.extensions import db
from web.ui.auth.passwords import set_password

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# `make screenshots` refreshes the README's pictures; every other run writes them to a temporary folder.
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

if not Path(CHROMIUM).exists():  # `make test` installs it; a bare pytest run says why it skipped
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture(scope="session")
def server(app: Flask) -> Iterator[str]:
    httpd: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server: str, ctx: Flask) -> Iterator[Any]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    opened = context.new_page()
    yield opened
    context.close()


def give_passwords(*usernames: str) -> None:
    """The lifecycle council's people have API tokens only: give them the pages' test password."""
    for username in usernames:
        set_password(db.session, db.session.scalars(select(User).where(User.username == username)).one(), PASSWORD)
    release()


def sign_in(page: Any, audit: Accessibility, username: str, password: str = PASSWORD, next_path: str = "") -> None:
    """Through the sign-in form (axe checks it); the caller waits for where the person lands."""
    page.goto("/sign-in" + (f"?next={next_path}" if next_path else ""))
    audit(page)
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def release() -> None:
    """End the test thread's transaction so the server's threads can write."""
    db.session.commit()


class Accessibility:
    """axe-core on the current page: zero WCAG 2.2 A/AA violations, no rule disabled."""

    def __init__(self) -> None:
        self.axe = axe_module.Axe()
        self.checked: list[str] = []

    def __call__(self, page: Any) -> None:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                              "resultTypes": ["violations"]})
        self.checked.append(page.url)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def audit() -> Accessibility:
    return Accessibility()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(SCREENSHOTS_DIR) if SCREENSHOTS_DIR else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshots: Path) -> Any:
    """``screenshot(page, "inbox.png")``: the whole page, into the screenshots folder."""

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(screenshots / name), full_page=True)
        assert (screenshots / name).stat().st_size > 0

    return take
