"""Test helpers: an API client that acts as a given user, a query counter."""

from __future__ import annotations

from happiness_fair.accounts import security
from happiness_fair.extensions import db


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


class ApiClient:
    """`api.as_(user).post(path, json=...)` with a bearer token; `api.get(...)` anonymous."""

    def __init__(self, app, token: str | None = None, tokens: dict | None = None):
        self.app = app
        self.client = app.test_client()
        self.token = token
        self._tokens = tokens if tokens is not None else {}

    def as_(self, user) -> ApiClient:
        if user is None:
            return ApiClient(self.app, None, self._tokens)
        if user.id not in self._tokens:
            with self.app.app_context():
                self._tokens[user.id] = security.open_auth_session(user, "api", "test")
                db.session.commit()
        return ApiClient(self.app, self._tokens[user.id], self._tokens)

    def _call(self, method: str, path: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        headers.setdefault("Accept-Language", "en")
        url = path if path.startswith("/api/") or path.startswith("/healthz") else "/api/v1" + path
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("GET", path, **kw)

    def post(self, path, **kw):
        return self._call("POST", path, **kw)

    def patch(self, path, **kw):
        return self._call("PATCH", path, **kw)

    def put(self, path, **kw):
        return self._call("PUT", path, **kw)

    def delete(self, path, **kw):
        return self._call("DELETE", path, **kw)


def csrf_token_of(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in_page(client, phone: str, password: str):
    """Sign in through the login form, as a browser does (CSRF token included)."""
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"phone": phone, "password": password, "csrf_token": token})
