"""Certificates on request in the pages: he asks from 我的时长, the office issues from its
certificates page (and finds one by serial), he opens and prints it."""

from __future__ import annotations

import re

from .conftest import text_of


def test_he_asks_the_office_issues_and_he_opens_it(browser_for, world, api):
    plumber = browser_for(world.plumber.account_user)
    assert "我的证明" in text_of(plumber.get("/my-hours"))
    bad = plumber.post("/my-hours/certificate-requests", {"from": "2026-05-01", "to": "2026-01-01"})
    assert bad.status_code == 422
    asked = plumber.post("/my-hours/certificate-requests", {"with_seal": "true"})
    assert asked.status_code == 303
    assert "等待办公室处理" in text_of(plumber.get("/my-hours"))

    office = browser_for(world.office)
    listing = office.get("/office/certificate-requests")
    assert "沈林益" in text_of(listing)
    issue = re.search(r"/office/certificate-requests/(\d+)/issue", listing.get_data(as_text=True))
    issued = office.post(issue.group(0))
    assert issued.status_code == 303
    certificate_url = issued.headers["Location"]
    serial = api.as_(world.plumber.account_user).get("/me/certificates").json["items"][0]["serial"]
    found = office.get(f"/office/certificate-requests?serial={serial}").get_data(as_text=True)
    assert certificate_url in found

    assert certificate_url in plumber.get("/my-hours").get_data(as_text=True)
    printed = plumber.get(certificate_url)
    assert printed.status_code == 200 and "志愿服务记录证明" in text_of(printed)
