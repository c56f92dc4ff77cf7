"""After the day the office confirms who kept a stall: verified duty hours of the fair's time
window (unless corrected) in the venue's grid, counted once however often it is confirmed."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.extensions import db
from happiness_fair.fairs.models import Attendance, FairDay
from happiness_fair.hours.models import HoursMonthTotal, HoursRecord
from tests.factories import PASSWORD, tomorrow
from tests.helpers import ApiClient, sign_in_page

from .conftest import DAY


def _past_fair(schedule, stall, fair, move_fair_day):
    fair_day = schedule()
    stall(fair_day)
    stall(fair_day, fair.knife_man, fair.knives)
    move_fair_day(fair_day, tomorrow() - timedelta(days=2))
    fair_day["date"] = (tomorrow() - timedelta(days=2)).isoformat()
    return fair_day


def test_confirmed_attendance_gives_verified_duty_hours_in_the_venues_grid(
    api, fair, schedule, stall, move_fair_day
):
    fair_day = _past_fair(schedule, stall, fair, move_fair_day)
    office = api.as_(fair.office)
    response = office.post(
        f"/fair-days/{fair_day['id']}/attendance",
        json={"volunteer_ids": [fair.barber.id, fair.knife_man.id]},
    )
    assert response.status_code == 200, response.json
    records = response.json["items"]
    assert {r["volunteer_id"] for r in records} == {fair.barber.id, fair.knife_man.id}
    for record in records:
        assert record["minutes"] == 150  # 09:00–11:30
        assert record["source"] == "fair"
        assert record["status"] == "verified"
        assert record["grid_id"] == fair.venue_grid.id  # not where he lives or serves
        assert record["date"] == fair_day["date"]
        assert record["booking_id"] is None
    summary = api.as_(fair.barber.account_user).get("/hours/summary").json
    assert summary["verified_minutes"] == 150
    ranking = office.get(f"/rankings/grids?from={fair_day['date']}&to={fair_day['date']}").json
    venue = next(g for g in ranking["items"] if g["grid_id"] == fair.venue_grid.id)
    assert venue["minutes"] == 300 and venue["volunteers"] == 2


def test_confirming_twice_does_not_count_the_hours_twice(
    app, api, fair, schedule, stall, move_fair_day
):
    fair_day = _past_fair(schedule, stall, fair, move_fair_day)
    office = api.as_(fair.office)
    path = f"/fair-days/{fair_day['id']}/attendance"
    first = office.post(path, json={"volunteer_ids": [fair.barber.id]})
    assert len(first.json["items"]) == 1
    again = office.post(path, json={"volunteer_ids": [fair.barber.id, fair.knife_man.id]})
    assert again.status_code == 200
    assert [r["volunteer_id"] for r in again.json["items"]] == [fair.knife_man.id]
    third = office.post(
        path,
        json={
            "volunteer_ids": [fair.barber.id],
            "corrections": [{"volunteer_id": fair.barber.id, "minutes": 60}],
        },
    )
    assert third.json["items"] == []
    assert api.as_(fair.barber.account_user).get("/hours/summary").json["verified_minutes"] == 150
    with app.app_context():
        kept = db.session.execute(
            sa.select(sa.func.sum(HoursMonthTotal.minutes)).where(
                HoursMonthTotal.volunteer_id == fair.barber.id
            )
        ).scalar_one()
        records = db.session.execute(
            sa.select(sa.func.count())
            .select_from(HoursRecord)
            .where(HoursRecord.volunteer_id == fair.barber.id)
        ).scalar_one()
    assert (kept, records) == (150, 1)


def test_the_office_corrects_one_volunteers_minutes(api, fair, schedule, stall, move_fair_day):
    fair_day = _past_fair(schedule, stall, fair, move_fair_day)
    response = api.as_(fair.office).post(
        f"/fair-days/{fair_day['id']}/attendance",
        json={
            "volunteer_ids": [fair.barber.id, fair.knife_man.id],
            "corrections": [{"volunteer_id": fair.knife_man.id, "minutes": 90}],
        },
    )
    minutes = {r["volunteer_id"]: r["minutes"] for r in response.json["items"]}
    assert minutes == {fair.barber.id: 150, fair.knife_man.id: 90}


def test_attendance_waits_for_the_day_and_names_only_stall_volunteers(
    api, fair, schedule, stall, move_fair_day
):
    fair_day = schedule()
    stall(fair_day)
    office = api.as_(fair.office)
    path = f"/fair-days/{fair_day['id']}/attendance"
    early = office.post(path, json={"volunteer_ids": [fair.barber.id]})
    assert early.status_code == 409
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))
    stranger = office.post(path, json={"volunteer_ids": [fair.knife_man.id]})
    assert stranger.status_code == 422
    assert "volunteer_ids" in stranger.json["error"]["fields"]
    wrong = office.post(
        path,
        json={
            "volunteer_ids": [fair.barber.id],
            "corrections": [{"volunteer_id": fair.knife_man.id, "minutes": 60}],
        },
    )
    assert wrong.status_code == 422
    assert office.post(path, json={"volunteer_ids": []}).status_code == 422
    assert api.as_(fair.barber.account_user).get("/hours").json["total"] == 0


def _fair_with_his_stall(app, office, barber, haircut, grid, held_on) -> dict:
    """A fair day with the barber's stall, moved to `held_on`, all committed (for threads)."""
    body = {**DAY, "date": tomorrow().isoformat(), "grid_id": grid.id}
    fair_day = ApiClient(app).as_(office).post("/fair-days", json=body).json
    signed = (
        ApiClient(app)
        .as_(barber.account_user)
        .post(
            f"/fair-days/{fair_day['id']}/stalls",
            json={"listing_id": haircut.id, "capacity_per_slot": 2},
        )
    )
    assert signed.status_code == 201, signed.json
    with app.app_context():
        db.session.execute(
            sa.update(FairDay).where(FairDay.id == fair_day["id"]).values(date=held_on)
        )
        db.session.commit()
    return fair_day


def test_two_office_workers_confirming_at_once_count_the_hours_once(app, committed):
    make = committed
    community = make.community()
    grid = make.grid(community)
    offices = [make.office(community) for _ in range(4)]
    barber = make.volunteer([grid], categories=("haircut",))
    haircut = make.listing(barber, category="haircut", home=False, fair=True)
    fair_day = _fair_with_his_stall(
        app, offices[0], barber, haircut, grid, tomorrow() - timedelta(days=2)
    )
    clients = [ApiClient(app).as_(o) for o in offices]
    start = threading.Barrier(len(clients))
    answers: list[tuple[int, int]] = []

    def confirm(client):
        start.wait()
        response = client.post(
            f"/fair-days/{fair_day['id']}/attendance", json={"volunteer_ids": [barber.id]}
        )
        answers.append((response.status_code, len(response.json.get("items", []))))

    threads = [threading.Thread(target=confirm, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [(200, 0)] * 3 + [(200, 1)]
    with app.app_context():
        from happiness_fair.catalogue.models import Volunteer

        assert db.session.get(Volunteer, barber.id).verified_minutes == 150


def test_a_fair_that_was_called_off_or_a_stall_withdrawn_gives_no_duty_and_no_walk_ins(
    app, api, fair, schedule, stall, move_fair_day
):
    """Hours and walk-ins count in rankings and certificates: only a fair that took place, and
    only at a stall that was kept, gives them, whatever the page offers or the API is sent."""
    office = api.as_(fair.office)
    kept = schedule()
    signed = stall(kept)
    withdrawn = stall(kept, fair.knife_man, fair.knives)
    knife_man = api.as_(fair.knife_man.account_user)
    gone = knife_man.post(f"/fair-days/{kept['id']}/stalls/{withdrawn['id']}/withdraw", json={})
    assert gone.status_code == 200, gone.json
    called_off = schedule(date=(tomorrow() + timedelta(days=1)).isoformat())
    off_stall = stall(called_off)
    cancelled = office.post(f"/fair-days/{called_off['id']}/cancel", json={"reason": "下雨"})
    assert cancelled.status_code == 200, cancelled.json
    for fair_day in (kept, called_off):
        move_fair_day(fair_day, tomorrow() - timedelta(days=2))

    attendance = f"/fair-days/{called_off['id']}/attendance"
    refused = office.post(attendance, json={"volunteer_ids": [fair.barber.id]})
    assert refused.status_code == 409 and "cancelled" in str(refused.json).lower()
    walk_in = api.as_(fair.barber.account_user).post(
        f"/fair-days/{called_off['id']}/walk-ins", json={"stall_id": off_stall["id"]}
    )
    assert walk_in.status_code == 409

    no_duty = office.post(
        f"/fair-days/{kept['id']}/attendance", json={"volunteer_ids": [fair.knife_man.id]}
    )
    assert no_duty.status_code == 422, no_duty.json
    late = knife_man.post(f"/fair-days/{kept['id']}/walk-ins", json={"stall_id": withdrawn["id"]})
    assert late.status_code == 409
    assert knife_man.get("/hours/summary").json["verified_minutes"] == 0
    assert api.as_(fair.barber.account_user).get("/hours/summary").json["verified_minutes"] == 0
    assert office.get(f"/fair-days/{kept['id']}/walk-ins").json["items"] == []
    # The kept stall of the fair that took place still counts.
    confirmed = office.post(
        f"/fair-days/{kept['id']}/attendance", json={"volunteer_ids": [signed["volunteer_id"]]}
    )
    assert confirmed.status_code == 200, confirmed.json


def test_a_fair_whose_attendance_is_confirmed_can_no_longer_be_called_off(
    api, fair, schedule, stall, move_fair_day
):
    """On the day itself the office confirms who came; after that neither the day nor a
    confirmed stall can be called off, which would leave hours for a fair that never was."""
    fair_day = schedule()
    kept = stall(fair_day)
    other = stall(fair_day, fair.knife_man, fair.knives)
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))  # today
    office = api.as_(fair.office)
    path = f"/fair-days/{fair_day['id']}"
    confirmed = office.post(f"{path}/attendance", json={"volunteer_ids": [fair.barber.id]})
    assert confirmed.status_code == 200, confirmed.json
    assert office.post(f"{path}/cancel", json={"reason": "下雨"}).status_code == 409
    assert office.post(f"{path}/stalls/{kept['id']}/withdraw", json={}).status_code == 409
    # A stall not confirmed may still be withdrawn that day.
    assert office.post(f"{path}/stalls/{other['id']}/withdraw", json={}).status_code == 200
    assert api.as_(fair.barber.account_user).get("/hours/summary").json["verified_minutes"] == 150


def test_the_certificate_names_a_fair_duty_for_what_it_was(
    app, api, fair, schedule, stall, move_fair_day
):
    fair_day = _past_fair(schedule, stall, fair, move_fair_day)
    office = api.as_(fair.office)
    path = f"/fair-days/{fair_day['id']}/attendance"
    assert office.post(path, json={"volunteer_ids": [fair.barber.id]}).status_code == 200
    certificate = office.post(f"/volunteers/{fair.barber.id}/certificates", json={})
    assert certificate.status_code == 201, certificate.json
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert sign_in_page(client, fair.office.phone, PASSWORD).status_code == 303
    page = client.get(certificate.json["url"]).get_data(as_text=True)
    assert "Stall duty on the fair day at 虹桥东村广场" in page


def _at_once(*posts) -> list[int]:
    """POST (client, path, body) triples from threads released together; their status codes."""
    calls = list(zip(posts[::3], posts[1::3], posts[2::3], strict=True))
    start = threading.Barrier(len(calls))
    answers: list[int] = []

    def post(client, path, body):
        start.wait()
        answers.append(client.post(path, json=body).status_code)

    threads = [threading.Thread(target=post, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_calling_a_fair_off_while_another_confirms_it_never_leaves_both(app, committed):
    """Two office workers at once, one confirming who came, one calling the day off: one of
    them wins, never both (a cancelled fair with duty hours). Real threads; on PostgreSQL the
    fair day's row lock makes the second wait and see the first."""
    make = committed
    community = make.community()
    grid = make.grid(community)
    confirmer, canceller = make.office(community), make.office(community)
    barber = make.volunteer([grid], categories=("haircut",))
    haircut = make.listing(barber, category="haircut", home=False, fair=True)
    today = tomorrow() - timedelta(days=1)
    for _round in range(6):
        fair_day = _fair_with_his_stall(app, confirmer, barber, haircut, grid, today)
        path = f"/fair-days/{fair_day['id']}"
        answers = _at_once(
            ApiClient(app).as_(confirmer), f"{path}/attendance", {"volunteer_ids": [barber.id]},
            ApiClient(app).as_(canceller), f"{path}/cancel", {"reason": "下雨"},
        )  # fmt: skip
        assert sorted(answers) == [200, 409], answers
        with app.app_context():
            cancelled = db.session.get(FairDay, fair_day["id"]).cancelled_at is not None
            credited = db.session.execute(
                sa.select(sa.func.count())
                .select_from(Attendance)
                .where(Attendance.fair_day_id == fair_day["id"])
            ).scalar_one()
        assert cancelled != bool(credited), (answers, cancelled, credited)


def test_walk_ins_recorded_mean_the_fair_took_place(api, fair, schedule, stall, move_fair_day):
    """Walk-ins count as services: once a stall has recorded one, neither it nor the day can be
    called off (they would keep counting for a fair that never was)."""
    fair_day = schedule()
    served = stall(fair_day)
    quiet = stall(fair_day, fair.knife_man, fair.knives)
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))  # today
    path = f"/fair-days/{fair_day['id']}"
    barber = api.as_(fair.barber.account_user)
    assert barber.post(f"{path}/walk-ins", json={"stall_id": served["id"]}).status_code == 201
    office = api.as_(fair.office)
    assert barber.post(f"{path}/stalls/{served['id']}/withdraw", json={}).status_code == 409
    assert office.post(f"{path}/cancel", json={"reason": "下雨"}).status_code == 409
    knife_man = api.as_(fair.knife_man.account_user)
    assert knife_man.post(f"{path}/stalls/{quiet['id']}/withdraw", json={}).status_code == 200


def test_a_stall_the_office_withdrew_is_not_signed_up_again_by_its_volunteer(
    api, fair, schedule, stall
):
    fair_day = schedule()
    signed = stall(fair_day)
    office = api.as_(fair.office)
    path = f"/fair-days/{fair_day['id']}/stalls"
    withdrawn = office.post(f"{path}/{signed['id']}/withdraw", json={"reason": "违规"})
    assert withdrawn.status_code == 200, withdrawn.json
    again = api.as_(fair.barber.account_user).post(
        path, json={"listing_id": fair.haircut.id, "capacity_per_slot": 2}
    )
    assert again.status_code == 409, again.json
    slots = api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]
    assert signed["id"] not in {s["stall_id"] for s in slots}  # still withdrawn
