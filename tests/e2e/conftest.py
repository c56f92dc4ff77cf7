"""Browser tests: Playwright driving Debian's Chromium against the app on a real server thread.

The app serves from a werkzeug server on 127.0.0.1 (a random port) with committed data; every
page a test reaches can be checked with axe-core (bundled by axe-playwright-python).
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

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

pytestmark = pytest.mark.browser


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


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
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
