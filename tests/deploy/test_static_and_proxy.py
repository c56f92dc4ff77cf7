"""Static files under versioned URLs with long cache lives; the client address behind a proxy."""

from __future__ import annotations

import re

from happiness_fair.assets import static_version


def test_pages_name_static_files_by_their_content(client):
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls), urls
    css = next(url for url in urls if "app.css" in url)
    with client.get(css) as answer:
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_old_or_missing_version_is_served_but_not_kept_for_long(client):
    with client.get("/static/app.css?v=000000000000") as stale:
        assert stale.status_code == 200
        assert stale.headers["Cache-Control"] == "public, max-age=3600"
    with client.get("/static/app.css") as bare:
        assert bare.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/static/no-such-file.css").status_code == 404


def test_a_version_changes_with_the_content_and_never_leaves_static(app, tmp_path):
    assert static_version(app, "app.css") == static_version(app, "app.css")
    assert static_version(app, "app.css") != static_version(app, "app.js")
    assert static_version(app, "../pyproject.toml") is None
    assert static_version(app, "no-such-file.css") is None


def test_a_made_up_forwarded_address_does_not_dodge_the_sign_in_limit(client):
    """With no trusted proxy (TRUSTED_PROXIES=0) X-Forwarded-For is the client's own word: a new
    made-up address (and a new phone number) with each try still meets the limit."""
    statuses = []
    for n in range(60):
        statuses.append(
            client.post(
                "/api/v1/auth/tokens",
                json={"phone": f"1390000{n:04d}", "password": "not-the-password"},
                headers={"X-Forwarded-For": f"192.0.2.{n}"},
            ).status_code
        )
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
