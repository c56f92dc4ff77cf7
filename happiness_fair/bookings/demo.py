"""Demo bookings in 虹西社区, one or more in every state, after the newspaper report:
张奶奶's tap fixed free by 沈师傅 on a cold day, a leak in 152幢 that nobody has taken yet.

Needs the catalogue's demo (沈林益 and the other volunteers with their listings). Idempotent:
each demo booking carries an idempotency key and is made only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..accounts import staffing
from ..accounts.models import Resident, User
from ..catalogue.categories import category_by_code
from ..catalogue.models import Listing, Volunteer
from ..database import utcnow
from ..extensions import db
from ..notifications.service import notify
from ..places import clock
from ..places.models import Community
from . import fees, pricing, raising
from .models import Booking, BookingEvent
from .rules import BookingStatus, Period

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLD_DAY = date(2024, 1, 22)  # the cold snap in Nantong when 沈师傅 fixed 张奶奶's tap


@dataclass(frozen=True)
class DemoBooking:
    key: str
    booker_phone: str
    beneficiary: str  # resident name
    status: BookingStatus
    description: str
    day: date
    period: Period
    volunteer_phone: str | None = None  # with a listing: a named request to him
    category: str | None = None  # an open request
    named: bool = True
    escalated: bool = False
    minutes: int | None = None
    materials_fen: int = 0
    rating: int | None = None
    comment: str = ""
    note: str = ""
    door_note: str = ""
    dispute: str = ""
    cancel_reason: str = ""
    paid: bool = False
    hours_ago: float = 2  # a live request was raised this many hours ago


def _day(offset: int) -> date:
    return clock.today() + timedelta(days=offset)


def _bookings() -> tuple[DemoBooking, ...]:
    return (
        DemoBooking(
            "demo-tap-cold-day",
            "13900000004",
            "张奶奶",
            BookingStatus.confirmed,
            "厨房水龙头坏了，关不紧，一直滴水。天冷，怕水管冻裂。",
            COLD_DAY,
            Period.morning,
            volunteer_phone="13900000003",
            minutes=40,
            materials_fen=0,
            rating=5,
            comment="天这么冷，沈师傅一早就来了，换了阀芯，一分钱没收。谢谢！",
            note="换了阀芯，水龙头不漏了。",
            door_note="150幢2单元，按201门铃",
            paid=True,
        ),
        DemoBooking(
            "demo-leak-152",
            "13900000005",
            "王秀英",
            BookingStatus.requested,
            "卫生间天花板往下渗水，可能是楼上水管漏了，墙皮已经鼓起来。",
            _day(1),
            Period.morning,
            category="plumbing",
            escalated=True,
            hours_ago=30,
            door_note="152幢2单元301，老人耳背，请多敲几下门",
        ),
        DemoBooking(
            "demo-phone-lesson",
            "13900000004",
            "张奶奶",
            BookingStatus.requested,
            "想学用微信和孙子视频通话。",
            _day(2),
            Period.afternoon,
            volunteer_phone="13900000106",
        ),
        DemoBooking(
            "demo-lock-zhao",
            "13900000001",  # the office books for 赵大爷, who has no phone of his own
            "赵大爷",
            BookingStatus.accepted,
            "防盗门锁芯不好转，钥匙经常拔不出来。",
            _day(1),
            Period.afternoon,
            volunteer_phone="13900000104",
        ),
        DemoBooking(
            "demo-haircut-zhang",
            "13900000004",
            "张奶奶",
            BookingStatus.in_progress,
            "行动不便，想请师傅上门理个发。",
            _day(0),
            Period.morning,
            volunteer_phone="13900000102",
        ),
        DemoBooking(
            "demo-pipe-li",
            "13900000005",
            "李明",
            BookingStatus.completed,
            "洗衣机下水管接口漏水。",
            _day(-2),
            Period.evening,
            volunteer_phone="13900000003",
            minutes=30,
            materials_fen=1200,
            note="换了下水管接头，材料12元。",
        ),
        DemoBooking(
            "demo-fan-li",
            "13900000005",
            "李明",
            BookingStatus.disputed,
            "电风扇通电不转。",
            _day(-4),
            Period.afternoon,
            volunteer_phone="13900000107",
            minutes=50,
            note="清理了电机，加了润滑油。",
            dispute="师傅走后第二天风扇还是不转。",
        ),
        DemoBooking(
            "demo-keys-cancelled",
            "13900000005",
            "王秀英",
            BookingStatus.cancelled,
            "想多配两把钥匙。",
            _day(3),
            Period.morning,
            volunteer_phone="13900000104",
            cancel_reason="家里找到备用钥匙了。",
        ),
    )


def _one(stmt):
    return db.session.execute(stmt).scalars().first()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


PATH = (
    BookingStatus.accepted,
    BookingStatus.in_progress,
    BookingStatus.completed,
    BookingStatus.confirmed,
)


def _steps(status: BookingStatus) -> list[BookingStatus]:
    """The states a booking went through to reach this one (a request: only its own)."""
    if status is BookingStatus.requested:
        return [status]
    if status in PATH:
        return [BookingStatus.requested, *PATH[: PATH.index(status) + 1]]
    if status is BookingStatus.disputed:
        return [BookingStatus.requested, *PATH[:3], BookingStatus.disputed]
    return [BookingStatus.requested, status]


def _times(spec: DemoBooking, steps: list[BookingStatus]) -> dict[BookingStatus, datetime]:
    """When each step happened: a past job on its day from 09:00; a live one in the last hours."""
    now = utcnow()
    if spec.day < clock.today():
        raised = _at(spec.day - timedelta(days=1), 19)
        work = _at(spec.day, 9)
    else:
        raised = now - timedelta(hours=spec.hours_ago)
        work = now - timedelta(minutes=20)
    times = {BookingStatus.requested: raised}
    for status in steps[1:]:
        if status is BookingStatus.accepted:
            times[status] = raised + timedelta(minutes=40)
        elif status is BookingStatus.cancelled:
            times[status] = raised + timedelta(hours=1)
        elif status is BookingStatus.in_progress:
            times[status] = work
        elif status is BookingStatus.completed:
            times[status] = work + timedelta(minutes=spec.minutes or 30)
        else:  # confirmed or disputed, later that day
            times[status] = work + timedelta(hours=3)
    return times


def _make(community: Community, spec: DemoBooking) -> Booking | None:
    booker = _one(sa.select(User).where(User.phone == spec.booker_phone))
    resident = _one(
        sa.select(Resident).where(
            Resident.community_id == community.id, Resident.name == spec.beneficiary
        )
    )
    if booker is None or resident is None:
        return None
    if raising.booking_by_key(booker.id, spec.key) is not None:
        return None
    volunteer = listing = None
    if spec.volunteer_phone:
        volunteer = _one(
            sa.select(Volunteer)
            .join(User, User.id == Volunteer.user_id)
            .where(User.phone == spec.volunteer_phone)
        )
        listing = volunteer and _one(
            sa.select(Listing).where(Listing.volunteer_id == volunteer.id).order_by(Listing.id)
        )
        if volunteer is None or listing is None:
            return None  # the catalogue's demo is not there
        category_id = listing.category_id
    else:
        category_id = category_by_code(spec.category).id

    steps = _steps(spec.status)
    times = _times(spec, steps)
    raised = times[BookingStatus.requested]

    snapshot = fees.rules_to_snapshot(pricing.waiver_rules_in_force(community.id))
    done = BookingStatus.completed in times
    booking = Booking(
        status=spec.status,
        escalated=spec.escalated,
        escalated_at=raised + timedelta(hours=24) if spec.escalated else None,
        booker_id=booker.id,
        beneficiary_id=resident.id,
        listing_id=listing.id if listing else None,
        category_id=category_id,
        volunteer_id=volunteer.id if volunteer else None,
        community_id=community.id,
        grid_id=resident.grid_id,
        date=spec.day,
        period=spec.period,
        mode="home",
        description=spec.description,
        address=resident.address,
        contact_phone=resident.phone or booker.phone,
        door_note=spec.door_note,
        listing_fee_fen=listing.fee_fen if listing else 0,
        minutes=spec.minutes if done else None,
        materials_fen=spec.materials_fen if done else None,
        completion_note=spec.note if done else "",
        rating=spec.rating,
        comment=spec.comment,
        paid=spec.paid,
        waiver_rules_snapshot=snapshot,
        quote=pricing.quote_booking(
            resident,
            snapshot,
            labour_fee_fen=listing.fee_fen if listing else 0,
            materials_fen=spec.materials_fen if done else 0,
            service_date=spec.day,  # demo jobs are done on their booked day
        ),
        requested_clock_at=raised,
        accepted_at=times.get(BookingStatus.accepted),
        started_at=times.get(BookingStatus.in_progress),
        completed_at=times.get(BookingStatus.completed),
        confirmed_at=times.get(BookingStatus.confirmed),
        created_at=raised,
        idempotency_key=spec.key,
    )
    db.session.add(booking)
    db.session.flush()
    _timeline(booking, spec, steps, times, booker, volunteer, community)
    return booking


def _timeline(booking, spec, steps, times, booker, volunteer, community) -> None:
    actions = {
        BookingStatus.accepted: "accept",
        BookingStatus.in_progress: "start",
        BookingStatus.completed: "complete",
        BookingStatus.confirmed: "confirm",
        BookingStatus.disputed: "dispute",
        BookingStatus.cancelled: "cancel",
    }
    notes = {
        BookingStatus.completed: spec.note,
        BookingStatus.confirmed: spec.comment,
        BookingStatus.disputed: spec.dispute,
        BookingStatus.cancelled: spec.cancel_reason,
    }
    volunteer_acts = {BookingStatus.accepted, BookingStatus.in_progress, BookingStatus.completed}
    previous = None
    for status in steps:
        actor = volunteer.user_id if status in volunteer_acts else booker.id
        db.session.add(
            BookingEvent(
                booking_id=booking.id,
                at=times[status],
                actor_id=actor,
                from_status=previous,
                to_status=status,
                action=actions.get(status, "create"),
                note=notes.get(status, ""),
            )
        )
        previous = status
    if spec.escalated:
        db.session.add(
            BookingEvent(
                booking_id=booking.id,
                at=booking.escalated_at,
                from_status=BookingStatus.requested,
                to_status=BookingStatus.requested,
                action="escalate",
            )
        )
        for user_id in staffing.grid_watchers(community.id, booking.grid_id):
            notify(user_id, "booking_escalated", booking)
    if volunteer is not None and spec.status is BookingStatus.requested:
        notify(volunteer.user_id, "request_for_you", booking)
    if spec.status is BookingStatus.completed:
        notify(booker.id, "booking_completed", booking, volunteer=volunteer.name)
    if spec.status is BookingStatus.disputed:
        for user_id in staffing.grid_watchers(community.id, booking.grid_id):
            notify(user_id, "booking_disputed", booking, reason=spec.dispute)
    if spec.status is BookingStatus.confirmed:
        volunteer.completed_count += 1
        if spec.rating:
            volunteer.rating_sum += spec.rating
            volunteer.rating_count += 1


def seed(community: Community) -> bool:
    """Add the demo bookings to 虹西社区; True when anything was created."""
    if community.name != "虹西社区":
        return False
    made = [_make(community, spec) for spec in _bookings()]
    db.session.flush()
    return any(made)
