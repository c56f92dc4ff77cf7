"""Browser tests: Playwright driving Debian's Chromium against the app on a real server thread.

The app serves from a werkzeug server on 127.0.0.1 (a random port) with committed data; every
page a test reaches can be checked with axe-core (bundled by axe-playwright-python).

They need Chromium and a Chinese font (Debian's chromium and fonts-noto-cjk, which scripts/test
installs): without the font every 汉字 is an empty box, and layout, wrapping and axe are checked
on a page nobody sees. They run on SQLite only: with TEST_DATABASE_URL set (the PostgreSQL pass)
they are deselected, as the API, service and deploy tests cover the database there.
Screens of the main pages are saved into test-output/screens/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import WSGIRequestHandler, make_server

from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.extensions import db, limiter

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
SCREENS = Path(__file__).resolve().parents[2] / "test-output" / "screens"

pytestmark = pytest.mark.browser


@pytest.hookimpl(tryfirst=True)  # before `-m` reads the markers
def pytest_collection_modifyitems(config, items):
    """Every test here is a browser test (`-m "not browser"` leaves them out; the PostgreSQL
    pass leaves them to the SQLite pass: tests/conftest.py)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _has_chinese_font() -> bool:
    try:
        found = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
        ).stdout
    except FileNotFoundError:
        return False
    return bool(found.strip())


@pytest.fixture(autouse=True)
def _categories_kept(app):
    """committed_db empties every table after a test, the shared categories too; set up before
    it, this puts them back after it, for the tests that follow."""
    with app.app_context():
        ensure_categories()
        db.session.commit()
    yield
    with app.app_context():
        ensure_categories()
        db.session.commit()


class _ClosingHandler(WSGIRequestHandler):
    """werkzeug's server skips closing an answer when the browser drops the connection while it
    is being sent (a navigation cancels an icon's request), so a static file stays open and its
    ResourceWarning fails whichever test is running when it is collected. Close it here."""

    def connection_dropped(self, error, environ=None):
        answer = (environ or {}).get("hf.test.answer")
        if hasattr(answer, "close"):
            answer.close()


def _answers_kept(app):
    def wsgi(environ, start_response):
        environ["hf.test.answer"] = answer = app(environ, start_response)
        return answer

    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server(
        "127.0.0.1", 0, _answers_kept(app), threaded=True, request_handler=_ClosingHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    if not _has_chinese_font():
        pytest.fail("No Chinese font (汉字 would be empty boxes): apt-get install fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request) -> bool:
    return request.param


@pytest.fixture
def page(browser, live_server, committed_db):
    limiter.enabled = False
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    yield page
    context.close()
    limiter.enabled = True


@pytest.fixture
def new_page(browser, live_server, committed_db):
    """Open further phones (another user) or one with JavaScript switched off."""
    contexts = []

    def open_page(*, javascript: bool = True, width: int = PHONE["width"]):
        context = browser.new_context(
            viewport={**PHONE, "width": width},
            locale="zh-CN",
            base_url=live_server,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        return context.new_page()

    limiter.enabled = False
    yield open_page
    for context in contexts:
        context.close()
    limiter.enabled = True


_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page as it stands."""
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: {bad}"


def assert_no_sideways_scroll(page) -> None:
    page.wait_for_load_state()  # a click's navigation may still be under way on a busy machine
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def real_console_errors(messages: list[str]) -> list[str]:
    """Console errors that mean something: a CSP refusal, a failed resource (its status shows
    as "Failed to load resource: … status of 500"). htmx's own "htmx:afterRequest" and
    "htmx:sendAbort" lines are left out: they also report a live-price request that the next
    navigation aborted, which happens under load and is harmless; a real failure of that
    request is still logged by the browser with its status. A 422 is a form answer."""
    harmless = ("htmx:afterRequest", "htmx:sendAbort", "status of 422")
    return [m for m in messages if not any(h in m for h in harmless)]


def save_screen(page, *names: str) -> Path:
    """The whole page as a PNG in test-output/screens/, named from names and the page's path
    (e.g. resident-elder-bookings-3.png), for a person to see what a resident sees."""
    path = re.sub(r"[^0-9A-Za-z]+", "-", unquote(page.url.split("//", 1)[-1].split("/", 1)[-1]))
    name = "-".join([*names, path.strip("-") or "home"])
    SCREENS.mkdir(parents=True, exist_ok=True)
    target = SCREENS / f"{name}.png"
    page.screenshot(path=target, full_page=True)
    return target
