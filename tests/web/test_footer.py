"""ICP 备案号: a site in mainland China shows its record number in every page's footer, linked to
MIIT's record site; without the ICP_BEIAN setting no footer line is drawn."""

from __future__ import annotations

import re

import pytest

from happiness_fair.accounts.models import Role
from happiness_fair.config import load_config
from tests.factories import PASSWORD
from tests.helpers import sign_in_page

BEIAN = "苏ICP备12345678号-1"
LINK = re.compile(r'<footer class="site-footer"><a href="/beian">苏ICP备12345678号-1</a></footer>')


@pytest.fixture
def beian(app, monkeypatch):
    monkeypatch.setitem(app.config, "ICP_BEIAN", BEIAN)


def test_every_page_shows_the_record_number_linked_to_miit(app, database, make, beian):
    client = app.test_client()
    for path in ("/", "/login", "/register", "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert len(LINK.findall(page)) == 1, path
    office = make.user(Role.office)
    assert sign_in_page(client, office.phone, PASSWORD).status_code == 303
    for path in ("/", "/office/", "/account"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert LINK.search(response.get_data(as_text=True)), path
    # The link leads to MIIT's record site, through the app: no page names an outside address.
    followed = client.get("/beian")
    assert followed.status_code == 302
    assert followed.headers["Location"] == "https://beian.miit.gov.cn/"
    assert "beian.miit.gov.cn" not in client.get("/").get_data(as_text=True)


def test_without_the_setting_there_is_no_footer_line(app, database, monkeypatch):
    monkeypatch.setitem(app.config, "ICP_BEIAN", "")
    page = app.test_client().get("/").get_data(as_text=True)
    assert "beian" not in page and "site-footer" not in page
    assert app.test_client().get("/beian").status_code == 404


def test_the_setting_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ICP_BEIAN", f"  {BEIAN} ")
    assert load_config(str(tmp_path))["ICP_BEIAN"] == BEIAN
    monkeypatch.delenv("ICP_BEIAN")
    assert load_config(str(tmp_path))["ICP_BEIAN"] == ""
