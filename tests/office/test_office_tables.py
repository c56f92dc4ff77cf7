"""The office's tables on a phone: every table that may scroll sideways is a named region that a
keyboard can reach (axe's scrollable-region-focusable, also checked in the browser walks of
tests/e2e), and the audit log shows what was written in Chinese as Chinese."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from happiness_fair.places.clock import today
from tests.factories import PASSWORD
from tests.helpers import sign_in_page

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class _Wraps(HTMLParser):
    def __init__(self):
        super().__init__()
        self.wraps: list[dict] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if "table-wrap" in (attrs.get("class") or "").split():
            self.wraps.append(attrs)


def _wraps_of(html: str) -> _Wraps:
    parser = _Wraps()
    parser.feed(html)
    return parser


def test_every_table_box_in_the_templates_is_a_focusable_named_region():
    found = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        source = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<div[^>]*\btable-wrap\b[^>]*>", source):
            found.setdefault(template.relative_to(TEMPLATES).as_posix(), []).append(tag)
    assert "office/rankings.html" in found and "office/dashboard.html" in found
    bad = [
        (name, tag)
        for name, tags in found.items()
        for tag in tags
        if 'tabindex="0"' not in tag
        or 'role="region"' not in tag
        or not re.search(r'aria-label(ledby)?="[^"]+"', tag)
    ]
    assert bad == []


def test_the_rankings_and_dashboard_tables_are_named_by_text_on_the_page(app, world, api):
    api.as_(world.office).post(
        "/hours",
        json={
            "volunteer_id": world.plumber.id,
            "minutes": 150,
            "date": today().isoformat(),
            "grid_id": world.grid.id,
            "reason": "社区义修活动",
        },
    )
    office = app.test_client()
    assert sign_in_page(office, world.office.phone, PASSWORD).status_code == 303
    # Each page has one more table since volunteer teams: the team totals.
    for path, expected in (("/office/rankings?period=all", 3), ("/office/", 3)):
        html = office.get(path).get_data(as_text=True)
        page = _wraps_of(html)
        assert len(page.wraps) == expected, path
        for wrap in page.wraps:
            assert wrap["tabindex"] == "0" and wrap["role"] == "region"
            assert wrap["aria-labelledby"] in page.ids, (path, wrap)


def test_the_audit_log_shows_a_reason_in_chinese(app, world, api):
    answer = api.as_(world.office).post(
        "/hours",
        json={
            "volunteer_id": world.plumber.id,
            "minutes": 150,
            "date": today().isoformat(),
            "grid_id": world.grid.id,
            "reason": "社区义修活动",
        },
    )
    assert answer.status_code == 201, answer.json
    office = app.test_client()
    assert sign_in_page(office, world.office.phone, PASSWORD).status_code == 303
    html = office.get("/office/audit").get_data(as_text=True)
    assert "原因：社区义修活动" in html  # the detail's name in her language too
    assert "\\u793e" not in html
