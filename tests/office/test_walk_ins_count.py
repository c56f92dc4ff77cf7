"""Walk-ins count where they should: in the volunteer's records (services, no hours) and in the
certificate's services and service content."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.extensions import db
from happiness_fair.fairs.models import FairDay
from happiness_fair.places.clock import today
from tests.web.conftest import Browser, text_of


def test_walk_ins_are_services_on_his_hours_page_and_his_certificate(api, app, make, world):
    barber = make.volunteer([world.grid], categories=("haircut",), name="剃头王")
    listing = make.listing(barber, category="haircut", fee_fen=0, title="理发", fair=True)
    day = api.as_(world.office).post(
        "/fair-days",
        json={"date": (today() + timedelta(days=1)).isoformat(), "starts_at": "09:00",
              "ends_at": "11:30", "venue": "虹桥东村广场", "grid_id": world.grid.id,
              "slot_minutes": 30},
    ).json  # fmt: skip
    stall = (
        api.as_(barber.account_user)
        .post(
            f"/fair-days/{day['id']}/stalls",
            json={"listing_id": listing.id, "capacity_per_slot": 2},
        )
        .json
    )
    with app.app_context():  # the day has come
        db.session.execute(sa.update(FairDay).where(FairDay.id == day["id"]).values(date=today()))
        db.session.commit()
    for name in ("老陈", "周阿姨", ""):
        walked = api.as_(barber.account_user).post(
            f"/fair-days/{day['id']}/walk-ins", json={"stall_id": stall["id"], "name": name}
        )
        assert walked.status_code == 201, walked.json

    page = text_of(Browser(app).sign_in(barber.account_user).get("/my-hours"))
    assert "理发，3 人" in page or "理发, 3" in page
    assert "服务次数 3" in page

    certificate = (
        api.as_(world.office)
        .post(
            f"/volunteers/{barber.id}/certificates",
            json={"from": (today() - timedelta(days=1)).isoformat(), "to": today().isoformat()},
        )
        .json
    )
    assert certificate["services"] == 3 and certificate["minutes"] == 0
    assert "理发" in certificate["content"]
    printed = text_of(Browser(app).sign_in(barber.account_user).get(certificate["url"]))
    assert "3 人" in printed
