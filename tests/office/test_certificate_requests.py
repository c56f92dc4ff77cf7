"""Certificates on request (办法 art. 14, 15): the volunteer asks for a range, with or without the
seal; the office issues or refuses, and he is told; he sees and prints every certificate issued
to him; the office finds any certificate by its serial."""

from __future__ import annotations


def test_he_asks_the_office_issues_he_is_told_and_prints(api, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "confirmed")
    plumber = api.as_(world.plumber.account_user)
    asked = plumber.post(
        "/me/certificate-requests",
        json={"from": "2020-01-01", "to": "2099-12-31", "with_seal": True},
    )
    assert asked.status_code == 201, asked.json
    assert asked.json["status"] == "requested" and asked.json["with_seal"] is True
    waiting = api.as_(world.office).get("/certificate-requests?status=requested").json["items"]
    assert [r["id"] for r in waiting] == [asked.json["id"]]

    issued = api.as_(world.office).post(f"/certificate-requests/{asked.json['id']}/issue")
    assert issued.status_code == 201, issued.json
    assert issued.json["minutes"] == 45 and issued.json["with_seal"] is True
    again = api.as_(world.office).post(f"/certificate-requests/{asked.json['id']}/issue")
    assert again.status_code == 409

    mine = plumber.get("/me/certificate-requests").json["items"]
    assert mine[0]["status"] == "issued" and mine[0]["certificate_id"] == issued.json["id"]
    certificates = plumber.get("/me/certificates").json["items"]
    assert [c["serial"] for c in certificates] == [issued.json["serial"]]
    told = plumber.get("/notifications").json["items"]
    assert told[0]["kind"] == "certificate_issued" and issued.json["serial"] in told[0]["text"]
    found = api.as_(world.office).get(f"/certificates?serial={issued.json['serial']}").json
    assert [c["id"] for c in found["items"]] == [issued.json["id"]]
    assert (
        api.as_(world.stranger_office)
        .get(f"/certificates?serial={issued.json['serial']}")
        .json["items"]
        == []
    )


def test_the_office_refuses_with_a_reason_he_reads(api, world):
    plumber = api.as_(world.plumber.account_user)
    asked = plumber.post("/me/certificate-requests", json={}).json
    assert (
        api.as_(world.office)
        .post(f"/certificate-requests/{asked['id']}/refuse", json={})
        .status_code
        == 422
    )
    refused = api.as_(world.office).post(
        f"/certificate-requests/{asked['id']}/refuse", json={"reason": "这段时间没有服务记录"}
    )
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    assert (
        plumber.get("/me/certificate-requests").json["items"][0]["reason"] == "这段时间没有服务记录"
    )
    assert any(
        "这段时间没有服务记录" in n["text"] for n in plumber.get("/notifications").json["items"]
    )


def test_a_bad_range_and_too_many_waiting_are_refused(api, world):
    plumber = api.as_(world.plumber.account_user)
    bad = plumber.post("/me/certificate-requests", json={"from": "2026-05-01", "to": "2026-01-01"})
    assert bad.status_code == 422
    for _ in range(5):
        assert plumber.post("/me/certificate-requests", json={}).status_code == 201
    assert plumber.post("/me/certificate-requests", json={}).status_code == 409
    assert api.as_(world.grandma_user).post("/me/certificate-requests", json={}).status_code == 403
