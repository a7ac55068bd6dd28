"""The service navigation: each group's sections, every link one that answers them, the current one marked."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import User
from tests.fixtures.client_request import Page, normalise
from tests.fixtures.lifecycle import Journey
from tests.fixtures.pages import PASSWORD, sign_in
from web.extensions import db
from web.ui.auth.passwords import set_password

EXPECTED = {
    "partner": ["Refer a family"],
    "ehu1": ["Tasks", "Refer a family"],
    "cm1": ["Tasks"],
    "pft1": ["Tasks"],
    "tm1": ["Tasks", "Dashboard"],
    "tf1": ["Tasks", "Audits", "Claim windows"],
    "pm1": ["Tasks", "Audits", "Claim windows", "Dashboard"],
    "owner": ["Tasks", "Dashboard", "Definitions"],
    "admin": ["Tasks", "Claim windows", "Dashboard", "Families", "Users", "Groups", "Teams", "Definitions"],
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_group_sees_its_sections_and_every_link_answers(client: FlaskClient, journey: Journey,
                                                              username: str) -> None:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    set_password(db.session, user, PASSWORD)
    db.session.commit()
    landing = sign_in(client, username)
    page = client.get(landing.headers["Location"], follow_redirects=True)
    sections = Page(page).select(".govuk-service-navigation__item > a.govuk-service-navigation__link")
    links = [(a["href"], normalise(a.get_text())) for a in sections]
    assert [text for _, text in links] == EXPECTED[username]
    for href, text in links:
        response = client.get(href)
        assert response.status_code == 200, (text, href, response.status_code)
        current = Page(response).select(".govuk-service-navigation__item--active > a > strong")
        assert [normalise(c.get_text()) for c in current] == [text], (href, current)
