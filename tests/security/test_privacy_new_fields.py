"""The personal-data export and DELETE /me cover what issue 20 added: the reason a record was
closed, an address added later (PUT /me/address), and the phone and door note fixed on a
booking (PATCH /bookings/{id})."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts.models import Resident
from happiness_fair.bookings.models import Booking
from tests.factories import PASSWORD


def test_the_export_and_erasure_cover_the_new_fields(api, make, book, world, in_app):
    building = make.building(world.grid)
    son = api.as_(world.son)
    assert (
        son.put(
            "/me/address", json={"building_id": building.id, "unit": "2", "room": "301"}
        ).status_code
        == 200
    )
    booking = book(world.son, beneficiary_id=world.grandma.id)["id"]
    fixed = son.patch(
        f"/bookings/{booking}", json={"contact_phone": "13912345678", "door_note": "敲门三下"}
    )
    assert fixed.status_code == 200
    closed = api.as_(world.office).patch(
        f"/residents/{world.grandma.id}", json={"active": False, "inactive_reason": "moved"}
    )
    assert closed.status_code == 200

    exported = son.get("/me/export").json
    own = next(r for r in exported["residents"] if r["own"])
    assert (own["unit"], own["room"]) == ("2", "301")
    mother = next(r for r in exported["residents"] if r["id"] == world.grandma.id)
    assert mother["inactive_reason"] == "moved"
    made = next(b for b in exported["bookings_made"] if b["id"] == booking)
    assert (made["contact_phone"], made["door_note"]) == ("13912345678", "敲门三下")

    grandma_export = api.as_(world.grandma_user).get("/me/export").json
    assert next(r for r in grandma_export["residents"] if r["own"])["inactive_reason"] == "moved"
    assert api.as_(world.grandma_user).delete("/me", json={"password": PASSWORD}).status_code == 204
    assert son.delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        assert session.get(Resident, world.grandma.id).inactive_reason is None
        kept = session.get(Booking, booking)
        assert kept.contact_phone is None and kept.door_note == ""
        own_record = session.get(Resident, own["id"])
        assert own_record.unit == "" and own_record.room == "" and own_record.phone is None


def test_certificate_requests_and_certificates_are_exported_and_waiting_ones_erased(
    api, world, in_app
):
    from happiness_fair.office.models import CertificateRequest

    plumber = api.as_(world.plumber.account_user)
    first = plumber.post("/me/certificate-requests", json={"with_seal": True}).json
    waiting = plumber.post("/me/certificate-requests", json={}).json
    issued = api.as_(world.office).post(f"/certificate-requests/{first['id']}/issue").json
    exported = plumber.get("/me/export").json
    assert {r["id"] for r in exported["certificate_requests"]} == {first["id"], waiting["id"]}
    assert [c["serial"] for c in exported["certificates"]] == [issued["serial"]]
    assert plumber.delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        left = session.execute(sa.select(CertificateRequest.id)).scalars().all()
        assert left == [first["id"]]
