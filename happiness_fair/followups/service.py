"""Follow-up calls (回访) and the grid's board: the closed loop a grid worker keeps.

Every completed, confirmed or disputed booking waits for a call until one is recorded with an
answer ("could not reach" keeps it waiting). "Solved" confirms a booking still only completed;
"partly" and "not solved" leave the booking and its hours as they are and open a new request for
the same person, linked both ways.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..bookings import access as booking_access
from ..bookings import moving, raising, reading, timeline
from ..bookings.models import Booking
from ..bookings.rules import TRANSITIONS, Action, BookingStatus
from ..database import page_of
from ..errors import Conflict, Forbidden
from ..extensions import db
from ..places import clock
from .models import FollowUp, Outcome

# The states in which the rules let staff record a call (bookings/rules.py TRANSITIONS).
CALLED_ABOUT = tuple(s for s, a in TRANSITIONS if a is Action.follow_up)


def _staff_scope(user: User) -> sa.ColumnElement[bool]:
    """The bookings a member of staff looks after: the office its community's, a grid worker
    his grids'."""
    if user.is_office:
        return Booking.community_id == user.community_id
    if user.is_grid_worker:
        return sa.and_(
            Booking.community_id == user.community_id, Booking.grid_id.in_(user.grid_ids)
        )
    raise Forbidden(_l("This is for grid workers and the community office."))


def awaiting_stmt(user: User):
    """Waiting for a call: done, and no call answered yet (the booking's own flag, which the
    rules read too, so the list and the buttons agree)."""
    return sa.select(Booking).where(
        _staff_scope(user), Booking.status.in_(CALLED_ABOUT), Booking.followed_up.is_(False)
    )


def awaiting(user: User, page: int, per_page: int):
    """Bookings waiting for a follow-up call in the caller's grids, longest waiting first."""
    stmt = awaiting_stmt(user).order_by(Booking.completed_at, Booking.id)
    return page_of(reading.with_timeline(stmt), page, per_page)


def record_call(user: User, booking_id: int, data: dict[str, Any]) -> Booking:
    """Record the call's answer; may confirm the booking or open a linked request."""
    viewer = booking_access.viewer_of(user)
    booking = reading.visible_booking(user, booking_id, viewer)
    # Staff of its grid, once the job is done, until a call is answered: bookings/rules.py.
    error, _relation = booking_access.refusal(viewer, booking, Action.follow_up)
    if error is not None:
        raise error
    outcome = Outcome(data["outcome"])
    status = booking.status
    if outcome is not Outcome.unreachable:
        # Answered: the rules offer no more calls. Conditional, so of two staff recording a
        # call at once exactly one is recorded (and opens at most one linked request).
        answered = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, Booking.followed_up.is_(False))
            .values(followed_up=True)
            .execution_options(synchronize_session=False)
        )
        if answered.rowcount != 1:
            raise Conflict(_l("This booking has already been followed up."))
        set_committed_value(booking, "followed_up", True)
    call = FollowUp(
        booking_id=booking.id,
        community_id=booking.community_id,
        outcome=outcome,
        satisfaction=data.get("satisfaction"),
        note=data.get("note") or "",
        caller_id=user.id,
    )
    db.session.add(call)
    timeline.record(
        booking, user, Action.follow_up, status, status, f"{outcome}: {call.note}".rstrip(": ")
    )
    if outcome is Outcome.solved and status is BookingStatus.completed:
        moving.transition(booking, user, Action.confirm, rating=data.get("satisfaction"))
    elif outcome in (Outcome.partly, Outcome.not_solved) and status is not BookingStatus.disputed:
        # A disputed job's open problem is settled by resolving the dispute (which can open it
        # again): a linked request as well would send two volunteers to the same fault.
        call.new_booking_id = _reopen(user, booking, call.note)
    db.session.flush()
    return booking


def _reopen(user: User, old: Booking, note: str) -> int:
    """A new open request for the same person and the same kind of help, linked both ways."""
    old_id, description = old.id, old.description
    new = raising.create_booking(
        user,
        {
            "category_id": old.category_id,
            "beneficiary_id": old.beneficiary_id,
            "date": clock.today() + timedelta(days=1),
            "period": str(old.period),
            "mode": "home",
            "description": str(
                _l(
                    "Follow-up of no. %(booking)s: the problem remains. %(note)s",
                    booking=old_id,
                    note=note or description,
                )
            ),
        },
    )
    db.session.execute(
        sa.update(Booking)
        .where(Booking.id.in_((old_id, new.id)))
        .values(linked_booking_id=sa.case((Booking.id == old_id, new.id), else_=old_id))
        .execution_options(synchronize_session=False)
    )
    db.session.expire(old)
    return new.id


BOARD_SIZE = 10


def board(user: User) -> dict[str, tuple[list[Booking], int]]:
    """The grid's board: new requests, escalated ones (no-shows included), today's jobs,
    disputes, and calls to make; each the first few and how many there are."""
    scope = _staff_scope(user)
    sections = {
        "new": (
            sa.and_(Booking.status == BookingStatus.requested, Booking.escalated.is_(False)),
            (Booking.created_at.desc(), Booking.id.desc()),
        ),
        "escalated": (
            sa.and_(
                Booking.status.in_((BookingStatus.requested, BookingStatus.accepted)),
                Booking.escalated.is_(True),
            ),
            (Booking.escalated_at, Booking.id),
        ),
        "today": (
            sa.and_(
                Booking.status.in_((BookingStatus.accepted, BookingStatus.in_progress)),
                Booking.date == clock.today(),
                Booking.escalated.is_(False),  # a no-show is on the board once, as escalated
            ),
            (Booking.period, Booking.id),
        ),
        "disputed": (Booking.status == BookingStatus.disputed, (Booking.completed_at, Booking.id)),
    }
    result = {
        name: page_of(
            reading.with_timeline(sa.select(Booking).where(scope, where).order_by(*order)),
            1,
            BOARD_SIZE,
        )
        for name, (where, order) in sections.items()
    }
    result["follow_up"] = awaiting(user, 1, BOARD_SIZE)
    return result


def linked_request_of(booking_id: int) -> int | None:
    """The new request the answered call on this booking opened, if it opened one."""
    return db.session.execute(
        sa.select(FollowUp.new_booking_id)
        .where(FollowUp.booking_id == booking_id, FollowUp.new_booking_id.is_not(None))
        .order_by(FollowUp.id.desc())
        .limit(1)
    ).scalar_one_or_none()
