"""Demo fair days in 虹西社区: last month's, with its walk-ins and confirmed duty hours, and the
coming Saturday's, with its stalls and 张奶奶's haircut booked. Made once (marked by any fair
day of the community existing)."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..bookings import raising
from ..catalogue.models import Listing, Volunteer, VolunteerStatus
from ..extensions import db
from ..places import clock
from ..places.models import Community, Grid
from . import rules, service
from .models import FairDay, Stall, StallSlot, WalkIn

VENUE = "虹桥东村文化广场"


def _user(phone: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.phone == phone)).scalar_one_or_none()


def _stall(fair_day: FairDay, listing: Listing, capacity: int) -> Stall:
    stall = Stall(
        fair_day_id=fair_day.id,
        volunteer_id=listing.volunteer_id,
        listing_id=listing.id,
        capacity_per_slot=capacity,
    )
    db.session.add(stall)
    db.session.flush()
    for start in rules.slot_starts(fair_day.starts_at, fair_day.ends_at, fair_day.slot_minutes):
        db.session.add(StallSlot(stall_id=stall.id, slot_start=start, capacity=capacity))
    db.session.flush()
    return stall


def seed(community: Community) -> bool:
    """Add the demo fair days to 虹西社区; True when anything was created."""
    if community.name != "虹西社区":
        return False
    if db.session.execute(
        sa.select(FairDay.id).where(FairDay.community_id == community.id).limit(1)
    ).first():
        return False
    office, grandma = _user("13900000001"), _user("13900000004")
    grid = db.session.execute(
        sa.select(Grid).where(Grid.community_id == community.id, Grid.number == 1)
    ).scalar_one()
    listings = db.session.scalars(
        sa.select(Listing)
        .join(Volunteer, Volunteer.id == Listing.volunteer_id)
        .where(
            Listing.community_id == community.id,
            Listing.fair.is_(True),
            Listing.active.is_(True),
            Volunteer.status == VolunteerStatus.approved,
        )
        .order_by(Listing.id)
    ).all()
    today = clock.today()
    coming = today + timedelta(days=(5 - today.weekday()) % 7 or 7)  # the next Saturday
    days = []
    for day in (coming - timedelta(days=28), coming):
        fair_day = FairDay(
            community_id=community.id,
            grid_id=grid.id,
            date=day,
            starts_at=time(9, 0),
            ends_at=time(11, 30),
            venue=VENUE,
            slot_minutes=30,
            created_by_id=office.id if office else None,
        )
        db.session.add(fair_day)
        db.session.flush()
        days.append((fair_day, [_stall(fair_day, listing, 2) for listing in listings]))

    (past, past_stalls), (next_day, next_stalls) = days
    for stall, name in zip(past_stalls, ("老陈", "", "周阿姨", ""), strict=False):
        db.session.add(
            WalkIn(
                fair_day_id=past.id,
                stall_id=stall.id,
                volunteer_id=stall.volunteer_id,
                category_id=next(x.category_id for x in listings if x.id == stall.listing_id),
                name=name,
                recorded_by_id=office.id,
            )
        )
    if office is not None and past_stalls:
        service.confirm_attendance(
            office,
            past.id,
            {"volunteer_ids": sorted({s.volunteer_id for s in past_stalls}), "corrections": []},
        )
    haircut = next((x for x in listings if x.title == "老人理发"), None)
    if grandma is not None and haircut is not None:
        raising.create_booking(
            grandma,
            {
                "listing_id": haircut.id,
                "mode": "fair",
                "fair_day_id": next_day.id,
                "slot_start": "09:30",
                "date": next_day.date,
                "period": "morning",
                "description": "头发长了，剪短一点",
            },
            idempotency_key="demo-fair-haircut",
        )
    # A stall its volunteer withdrew (he has a hospital check-up that morning).
    others = [s for s in next_stalls if haircut is None or s.listing_id != haircut.id]
    if others:
        withdrawn = others[-1]
        volunteer = db.session.get(Volunteer, withdrawn.volunteer_id)
        service.withdraw_stall(volunteer.user, next_day.id, withdrawn.id, "那天上午要去医院复查")
    db.session.flush()
    return True
