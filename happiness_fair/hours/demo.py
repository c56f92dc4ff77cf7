"""Demo hours: fourteen months of confirmed home visits in 虹西社区, and the office's manual
entries, so that rankings, star levels, the grid table and the exports show something real.

Deterministic (a fixed random seed) and idempotent: the history is made once, marked by the
idempotency keys of its bookings. The demo bookings of bookings.demo get their records too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import Resident, User, staff_grids
from ..bookings import fees, pricing
from ..bookings.models import Booking, BookingEvent
from ..bookings.rules import BookingStatus, Period
from ..catalogue.demo import office_of
from ..catalogue.models import Listing, Volunteer, VolunteerStatus
from ..extensions import db
from ..places import clock
from ..places.clock import SHANGHAI
from ..places.models import Building, Community, Grid
from . import service
from .models import HoursRecord, HoursStatus, Source

MONTHS = 14
KEY = "demo-history-{}"
# Neighbours served in the history (no accounts: their grid worker booked for them).
NEIGHBOURS = (
    ("周桂英", 1939), ("吴阿婆", 1942), ("孙老伯", 1936), ("郑美华", 1948), ("冯建国", 1951),
    ("陈秀珍", 1944), ("褚德明", 1940), ("卫兰芳", 1946), ("蒋志刚", 1958), ("沈玉梅", 1943),
    ("韩福生", 1937), ("杨淑琴", 1945), ("朱振华", 1953), ("秦爱华", 1941), ("许根宝", 1949),
    ("何翠英", 1938), ("吕小红", 1962), ("施长根", 1947),
)  # fmt: skip
# How many home visits a month each volunteer gives (沈师傅 is the busiest, as in the report).
ACTIVITY = {"13900000003": 7, "13900000104": 4, "13900000107": 3, "13900000102": 3,
            "13900000106": 2, "13900000101": 2}  # fmt: skip
# Stall volunteers' time from before fair days were in the app, entered by the office.
MANUAL = (
    *(("13900000003", 900, f"平台上线前的纸质服务台账补录（2023年第{q}季度）") for q in "一二三四"),
    ("13900000103", 240, "社区缝补活动（纸质签到补录）"),
    ("13900000105", 180, "社区修鞋修伞活动（纸质签到补录）"),
    ("13900000101", 150, "事集日磨刀摊位（纸质签到补录）"),
)


def _month_starts(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return [*sorted(months), today.replace(day=1)]


def _neighbours(community: Community, rng: random.Random) -> list[Resident]:
    grids = (
        db.session.execute(
            sa.select(Grid).where(Grid.community_id == community.id).order_by(Grid.number)
        )
        .scalars()
        .all()
    )
    people = []
    for index, (name, year) in enumerate(NEIGHBOURS):
        grid = grids[index % len(grids)]
        building = db.session.execute(
            sa.select(Building).where(Building.grid_id == grid.id).order_by(Building.id).limit(1)
        ).scalar_one()
        resident = Resident(
            community_id=community.id,
            name=name,
            birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
            age_verified=True,
            building_id=building.id,
            unit=str(rng.randint(1, 3)),
            room=f"{rng.randint(1, 6)}0{rng.randint(1, 2)}",
        )
        db.session.add(resident)
        people.append(resident)
    db.session.flush()
    return people


def _booker_for(community: Community, grid_id: int) -> User:
    worker = db.session.execute(
        sa.select(User)
        .join(staff_grids, staff_grids.c.user_id == User.id)
        .where(staff_grids.c.grid_id == grid_id)
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()
    return worker if worker is not None else office_of(community)


# Adds the follow-up call on a demo booking: (booking, satisfaction, caller_id, at). Given by the
# demo above every part (followups sit above hours).
FollowUpCall = Callable[[Booking, int, int, datetime], None]


def _visit(community, volunteer, listing, resident, booker, day, rng, key, follow_up) -> None:
    """One confirmed home visit with its timeline and its verified hours."""
    start = datetime.combine(day, time(rng.choice((9, 10, 14, 15)), 0), SHANGHAI).astimezone(UTC)
    minutes = max(10, listing.duration_minutes + rng.randint(-10, 20))
    snapshot = fees.rules_to_snapshot(fees.DEFAULT_WAIVER_RULES)
    done = start + timedelta(minutes=minutes)
    raised = start - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
    rating = rng.choice((5, 5, 5, 4))
    booking = Booking(
        status=BookingStatus.confirmed,
        booker_id=booker.id,
        beneficiary_id=resident.id,
        listing_id=listing.id,
        category_id=listing.category_id,
        volunteer_id=volunteer.id,
        community_id=community.id,
        grid_id=resident.grid_id,
        date=day,
        period=Period.morning if start.astimezone(SHANGHAI).hour < 12 else Period.afternoon,
        mode="home",
        description=listing.title,
        address=resident.address,
        contact_phone=booker.phone,
        listing_fee_fen=listing.fee_fen,
        minutes=minutes,
        materials_fen=0,
        rating=rating,
        paid=True,
        waiver_rules_snapshot=snapshot,
        quote=pricing.quote_booking(
            resident, snapshot, labour_fee_fen=listing.fee_fen, materials_fen=0, service_date=day
        ),
        requested_clock_at=raised,
        accepted_at=raised + timedelta(hours=rng.randint(1, 20)),
        started_at=start,
        completed_at=done,
        confirmed_at=done + timedelta(hours=4),
        created_at=raised,
        idempotency_key=key,
    )
    db.session.add(booking)
    db.session.flush()
    steps = [
        (raised, None, BookingStatus.requested, "create", booker.id),
        (booking.accepted_at, BookingStatus.requested, BookingStatus.accepted, "accept", None),
        (start, BookingStatus.accepted, BookingStatus.in_progress, "start", None),
        (done, BookingStatus.in_progress, BookingStatus.completed, "complete", None),
        (booking.confirmed_at, BookingStatus.completed, BookingStatus.confirmed, "confirm",
         booker.id),
    ]  # fmt: skip
    for at, before, after, action, actor in steps:
        db.session.add(
            BookingEvent(
                booking_id=booking.id,
                at=at,
                actor_id=actor or volunteer.user_id,
                from_status=before,
                to_status=after,
                action=action,
            )
        )
    if rng.random() < 0.75:  # most get their follow-up call within a couple of days
        follow_up(
            booking, rating, booker.id, booking.confirmed_at + timedelta(days=rng.randint(1, 3))
        )
        booking.followed_up = True  # answered: the desk's list and the rules both read it
    volunteer.completed_count += 1
    volunteer.rating_sum += rating
    volunteer.rating_count += 1
    _record(booking, HoursStatus.verified, day)


def _record(booking: Booking, status: HoursStatus, day: date) -> None:
    record = HoursRecord(
        volunteer_id=booking.volunteer_id,
        community_id=booking.community_id,
        grid_id=booking.grid_id,
        minutes=booking.minutes,
        date=day,
        source=Source.booking,
        booking_id=booking.id,
    )
    service.add_record(record, verified=status is HoursStatus.verified)


def _records_for_demo_bookings(community: Community) -> None:
    """bookings.demo writes its bookings directly; give its finished ones their records."""
    done = db.session.execute(
        sa.select(Booking).where(
            Booking.community_id == community.id,
            Booking.status.in_(
                (BookingStatus.completed, BookingStatus.confirmed, BookingStatus.disputed)
            ),
            Booking.mode == "home",
            Booking.minutes.is_not(None),
            ~sa.exists().where(HoursRecord.booking_id == Booking.id),
        )
    ).scalars()
    for booking in done:
        verified = booking.status is BookingStatus.confirmed
        _record(booking, HoursStatus.verified if verified else HoursStatus.pending, booking.date)


def _volunteer(phone: str) -> Volunteer | None:
    return db.session.execute(
        sa.select(Volunteer).join(User, User.id == Volunteer.user_id).where(User.phone == phone)
    ).scalar_one_or_none()


def seed(community: Community, *, follow_up: FollowUpCall) -> bool:
    """Add the hours history to 虹西社区; True when anything was created."""
    if community.name != "虹西社区":
        return False
    _records_for_demo_bookings(community)
    if db.session.execute(
        sa.select(Booking.id).where(Booking.idempotency_key == KEY.format(0))
    ).first():
        return False
    rng = random.Random(20240122)
    today = clock.today()
    neighbours = _neighbours(community, rng)
    count = 0
    for month in _month_starts(today):
        for phone, per_month in ACTIVITY.items():
            volunteer = _volunteer(phone)
            if volunteer is None or volunteer.status is not VolunteerStatus.approved:
                continue
            listing = db.session.execute(
                sa.select(Listing)
                .where(Listing.volunteer_id == volunteer.id, Listing.home.is_(True))
                .order_by(Listing.id)
                .limit(1)
            ).scalar_one_or_none()
            if listing is None:
                continue
            own_grids = set(volunteer.grid_ids)
            served = [r for r in neighbours if r.grid_id in own_grids] or neighbours
            for _ in range(rng.randint(max(1, per_month - 2), per_month + 1)):
                last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
                day = month + timedelta(days=rng.randint(0, (last_day - month).days))
                if day >= today:
                    continue
                resident = rng.choice(served)
                booker = _booker_for(community, resident.grid_id)
                _visit(
                    community,
                    volunteer,
                    listing,
                    resident,
                    booker,
                    day,
                    rng,
                    KEY.format(count),
                    follow_up,
                )
                count += 1
    office = office_of(community)
    for phone, minutes, reason in MANUAL:
        volunteer = _volunteer(phone)
        if volunteer is None:
            continue
        record = HoursRecord(
            volunteer_id=volunteer.id,
            community_id=community.id,
            grid_id=volunteer.grid_ids[0],
            minutes=minutes,
            date=_month_starts(today)[0] - timedelta(days=1),
            source=Source.manual,
            reason=reason,
            created_by_id=office.id,
        )
        service.add_record(record, verified=True)
    return True
