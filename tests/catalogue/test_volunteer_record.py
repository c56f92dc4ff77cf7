"""A volunteer's record as order 67 art. 5 asks: himself and the office only; the ID number is
optional, stored encrypted and answered masked; export gives it to him whole; DELETE /me
removes the record."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from happiness_fair.catalogue.models import VolunteerRecord
from tests.factories import PASSWORD

ID = "320602195803151236"


def test_he_fills_in_his_record_and_the_id_number_is_encrypted_and_masked(api, make, in_app):
    volunteer = make.volunteer(name="沈林益")
    office = make.office(volunteer.community_id)
    me = api.as_(volunteer.account_user)
    saved = me.patch(
        "/me/volunteer/record",
        json={"gender": "male", "birth_date": "1958-03-15", "id_number": ID,
              "area": "虹桥东村", "contact": "13900000003"},
    )  # fmt: skip
    assert saved.status_code == 200, saved.json
    assert saved.json["id_number"] == "3206**********1236"
    assert me.get("/me/volunteer/record").json["id_number"] == "3206**********1236"
    seen = api.as_(office).get(f"/volunteers/{volunteer.id}/record").json
    assert seen["id_number"] == "3206**********1236" and seen["area"] == "虹桥东村"
    with in_app() as session:
        row = session.get(VolunteerRecord, volunteer.id)
        assert ID not in (row.id_number_sealed or "") and row.id_number_sealed
    exported = me.get("/me/export").json["volunteer_record"]
    assert exported["id_number"] == ID
    bad = me.patch("/me/volunteer/record", json={"id_number": "12-34"})
    assert bad.status_code == 422
    removed = me.patch("/me/volunteer/record", json={"id_number": ""})
    assert removed.json["id_number"] is None
    assert me.delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        assert session.execute(sa.select(VolunteerRecord)).scalars().all() == []


def test_others_do_not_see_it(api, make):
    volunteer = make.volunteer()
    resident = make.resident()
    assert api.as_(resident.account_user).get("/me/volunteer/record").status_code == 403
    other_office = make.office(make.community())
    assert api.as_(other_office).get(f"/volunteers/{volunteer.id}/record").status_code == 404


@pytest.mark.parametrize(
    ("number", "accepted"),
    [
        ("320602195803151236", True),  # check character right
        ("320602195803151234", False),  # check character wrong
        ("32060219991345123X", False),  # month 13, day 45
        ("E12345678", True),  # another document (a passport): letters and digits
    ],
)
def test_a_resident_id_is_checked_as_gb_11643_says(api, make, number, accepted):
    plumber = api.as_(make.volunteer().account_user)
    answer = plumber.patch("/me/volunteer/record", json={"id_number": number})
    assert answer.status_code == (200 if accepted else 422), answer.json


def test_the_id_number_must_carry_the_date_of_birth_he_gave(api, make):
    plumber = api.as_(make.volunteer().account_user)
    assert (
        plumber.patch("/me/volunteer/record", json={"birth_date": "1960-05-06"}).status_code == 200
    )
    other = plumber.patch("/me/volunteer/record", json={"id_number": "320602195803151236"})
    assert other.status_code == 422 and "id_number" in other.json["error"]["fields"]
