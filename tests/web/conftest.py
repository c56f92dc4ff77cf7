"""Page tests: the Flask test client, signed in through the login form as a browser is."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from tests.bookings.conftest import World, act, advance, book, plumbing, world  # noqa: F401
from tests.factories import (
    PASSWORD,
    tomorrow,  # noqa: F401
)
from tests.helpers import csrf_token_of, sign_in_page


class Browser:
    """A test client that signs in, remembers the page's CSRF token, and posts forms."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def sign_in(self, user) -> Browser:
        response = sign_in_page(self.client, user.phone, PASSWORD)
        assert response.status_code == 303, response.get_data(as_text=True)
        return self

    def get(self, path, **kwargs):
        response = self.client.get(path, **kwargs)
        html = response.get_data(as_text=True)
        if 'name="csrf_token"' in html:
            self.token = csrf_token_of(html)
        return response

    def post(self, path, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/")
            data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def browser_for(app, database):
    """`browser_for(user)`: a phone signed in as that person."""

    def open_for(user=None) -> Browser:
        browser = Browser(app)
        if user is not None:
            browser.sign_in(user)
        return browser

    return open_for


def text_of(response) -> str:
    """The page's visible words, tags removed, for asserting what a person reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
