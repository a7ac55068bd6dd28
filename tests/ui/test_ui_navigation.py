"""The service navigation: each group's sections, every link one that answers them, the current one marked."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import User
from tests.lifecycle.conftest import Journey, journey  # noqa: F401  (the council and the lifecycle)
from tests.ui.conftest import PASSWORD, sign_in
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
NAV = re.compile(r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>\s*(?:<strong[^>]*>)?([^<]+?)\s*<')


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_group_sees_its_sections_and_every_link_answers(client: FlaskClient, journey: Journey,  # noqa: F811
                                                              username: str) -> None:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    set_password(db.session, user, PASSWORD)
    db.session.commit()
    landing = sign_in(client, username)
    page = client.get(landing.headers["Location"], follow_redirects=True)
    links = NAV.findall(page.get_data(as_text=True))
    assert [text for _, text in links] == EXPECTED[username]
    for href, text in links:
        response = client.get(href)
        assert response.status_code == 200, (text, href, response.status_code)
        current = re.search(r'govuk-service-navigation__item--active">\s*<a[^>]*>\s*<strong[^>]*>([^<]+?)\s*<',
                            response.get_data(as_text=True))
        assert current is not None and current.group(1) == text, (href, current)
