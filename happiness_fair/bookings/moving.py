"""Moving a booking through its states: transition() is the one writer of a booking's state
(and of its no-show and paid flags), with a plan per action; change_details() fixes what was
typed without moving it.

Whether a move is allowed is decided before the write (access.refusal over rules.py); the
write is a conditional UPDATE, so of two people acting at once exactly one wins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import Resident, ResidentManager, User
from ..catalogue import service as catalogue_service
from ..catalogue import stats as catalogue_stats
from ..catalogue.models import Volunteer
from ..catalogue.rules import public_name
from ..database import utcnow
from ..errors import Conflict, invalid
from ..extensions import db
from . import access, contact, notices, pricing, reading, rules, timeline
from .events import booking_moved
from .models import Booking
from .raising import check_date
from .rules import Action, Relation


@dataclasses.dataclass
class _Move:
    values: dict[str, Any]
    where: list = dataclasses.field(default_factory=list)
    note: str = ""
    requote: bool = False
    after: list[Callable[[], None]] = dataclasses.field(default_factory=list)
    ruled_out_volunteer_id: int | None = None  # kept on the step's event


def transition(booking: Booking, actor: User | None, action: Action, **details) -> Booking:
    """The one function that changes a booking's state (and its no-show and paid flags).

    `actor` None is the scheduler. The move is written with UPDATE … WHERE status = the state
    it was judged in, so of two people acting at once exactly one wins; the other gets 409.
    """
    now = utcnow()
    action = Action(action)
    if action not in _PLANS:  # the follow-up call is recorded by followups.service.record_call
        raise ValueError(f"{action} is not written by transition()")
    from_status = booking.status
    if actor is not None:
        error, relation = access.refusal(access.viewer_of(actor), booking, action, now)
        if error is not None:
            raise error
    else:
        relation = None
        if action is Action.paid or (from_status, action) not in rules.TRANSITIONS:
            raise access.state_conflict(booking, action)
    if action is Action.paid and booking.paid:
        return booking
    move = _PLANS[action](booking, actor, relation, details, now)
    to_status = rules.status_after(from_status, action, fair=booking.mode == "fair")
    values = {**move.values, "status": to_status}
    if move.requote:
        values["quote"] = pricing.requote(booking, values)
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == from_status, *move.where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        if action == Action.accept:
            raise Conflict(_l("Another volunteer has already taken this request."))
        raise Conflict(_l("Someone else changed this booking just now. Please look again."))
    event = timeline.record(
        booking,
        actor,
        action,
        from_status,
        to_status,
        move.note,
        at=now,
        ruled_out_volunteer_id=move.ruled_out_volunteer_id,
    )
    if any(isinstance(v, sa.sql.ClauseElement) for v in values.values()):
        db.session.expire(booking)
    else:
        # What was written is what the row now holds: no second read of it for the steps below,
        # and a timeline loaded with it gets the new step.
        loaded = booking.__dict__
        for key, value in values.items():
            set_committed_value(booking, key, value)
        if "events" in loaded:
            set_committed_value(booking, "events", [*loaded["events"], event])
    for step in move.after:
        step()
    booking_moved.send(booking, action=action, actor=actor, from_status=from_status)
    return booking


def _accept(booking, actor, relation, details, now) -> _Move:
    if relation in (Relation.volunteer, Relation.candidate):
        volunteer_id, name = access.viewer_of(actor).volunteer.id, actor.name
    else:
        volunteer_id = booking.volunteer_id  # staff accept for the named volunteer
        name = contact.volunteer_name(booking, accepted=True)
    return _Move(
        values={
            "volunteer_id": volunteer_id,
            "accepted_at": now,
            "materials_estimate_fen": details.get("materials_estimate_fen"),
        },
        where=[sa.or_(Booking.volunteer_id.is_(None), Booking.volunteer_id == volunteer_id)],
        requote=True,
        after=[lambda: notices.tell_booker(booking, "booking_accepted", actor, volunteer=name)],
    )


_BACK_TO_OPEN = {
    "volunteer_id": None,
    "accepted_at": None,
    "started_at": None,
    "materials_estimate_fen": None,
    "escalated": False,
    "no_show": False,
    "reminded": False,
}


def _decline(booking, actor, relation, details, now) -> _Move:
    """The volunteer gives the request back: it is open to everyone again and its clock
    restarts. Also how a suspended volunteer's jobs are returned."""
    name = contact.volunteer_name(booking)
    reason = details.get("reason") or ""
    if booking.mode == "fair":  # cancelled, never an open request; the seat is freed (fairs)
        return _Move(
            values={},
            note=reason,
            after=[
                lambda: notices.tell_booker(booking, "fair_booking_cancelled", actor, reason=reason)
            ],
        )
    kind = "volunteer_suspended" if details.get("suspended") else "booking_declined"
    return _Move(
        values={**_BACK_TO_OPEN, "requested_clock_at": now},
        where=[Booking.volunteer_id == booking.volunteer_id],
        note=details.get("reason") or "",
        requote=True,
        after=[lambda: notices.tell_booker(booking, kind, actor, volunteer=name)],
    )


def _start(booking, actor, relation, details, now) -> _Move:
    name = contact.volunteer_name(booking)
    return _Move(
        values={"started_at": now},
        after=[lambda: notices.tell_booker(booking, "booking_started", actor, volunteer=name)],
    )


def _complete(booking, actor, relation, details, now) -> _Move:
    minutes, materials = details.get("minutes"), details.get("materials_fen", 0)
    if not rules.minutes_are_valid(minutes):
        raise invalid("minutes", _l("Enter a number from 1 to 720."))
    if isinstance(materials, bool) or not isinstance(materials, int) or materials < 0:
        raise invalid("materials_fen", _l("Enter a number from 0 upwards."))
    name = contact.volunteer_name(booking)
    return _Move(
        values={
            "minutes": minutes,
            "materials_fen": materials,
            "completion_note": details.get("note") or "",
            "completed_at": now,
        },
        note=details.get("note") or "",
        requote=True,
        after=[lambda: notices.tell_booker(booking, "booking_completed", actor, volunteer=name)],
    )


def _confirm(booking, actor, relation, details, now) -> _Move:
    rating = details.get("rating")
    volunteer_id = booking.volunteer_id
    after = [lambda: catalogue_stats.count_job_done(volunteer_id, rating)]
    if actor is None:
        after.append(lambda: notices.tell_booker(booking, "booking_auto_confirmed", None))
    return _Move(
        values={"rating": rating, "comment": details.get("comment") or "", "confirmed_at": now},
        note=details.get("comment") or "",
        after=after,
    )


def _dispute(booking, actor, relation, details, now) -> _Move:
    reason = details.get("reason") or ""
    return _Move(
        values={},
        note=reason,
        after=[lambda: notices.tell_grid(booking, "booking_disputed", reason=reason)],
    )


def _resolve_confirm(booking, actor, relation, details, now) -> _Move:
    volunteer_id, note = booking.volunteer_id, details.get("note") or ""
    return _Move(
        values={"confirmed_at": now},
        note=note,
        after=[
            lambda: catalogue_stats.count_job_done(volunteer_id, None),
            lambda: notices.tell_volunteer(
                booking, volunteer_id, "dispute_settled_done", actor, note=note
            ),
        ],
    )


def _resolve_reopen(booking, actor, relation, details, now) -> _Move:
    """The job was not done: the same booking is open again for another volunteer (the event
    keeps who he was, so it never comes back to him; he is told)."""
    volunteer_id, note = booking.volunteer_id, details.get("note") or ""
    return _Move(
        values={
            **_BACK_TO_OPEN,
            "minutes": None,
            "materials_fen": None,
            "completion_note": "",
            "completed_at": None,
            "paid": False,
            "requested_clock_at": now,
        },
        note=note,
        requote=True,
        ruled_out_volunteer_id=volunteer_id,
        after=[
            lambda: notices.tell_volunteer(
                booking, volunteer_id, "dispute_settled_not_done", actor, note=note
            )
        ],
    )


def _cancel(booking, actor, relation, details, now) -> _Move:
    volunteer_id = booking.volunteer_id
    after = []
    if volunteer_id is not None:
        after.append(
            lambda: notices.tell_volunteer(booking, volunteer_id, "booking_cancelled", actor)
        )
    return _Move(values={}, note=details.get("reason") or "", after=after)


def _reschedule(booking, actor, relation, details, now) -> _Move:
    check_date(details["date"])
    volunteer_id = booking.volunteer_id
    after = []
    if volunteer_id is not None:
        after.append(
            lambda: notices.tell_volunteer(booking, volunteer_id, "booking_rescheduled", actor)
        )
    period = rules.Period(details["period"])
    return _Move(
        values={"date": details["date"], "period": period, "reminded": False},
        note=f"{details['date'].isoformat()} {period}",
        requote=True,
        after=after,
    )


def _no_show(booking, actor, relation, details, now) -> _Move:
    return _Move(
        values={"no_show": True, "escalated": True, "escalated_at": now},
        where=[Booking.no_show.is_(False)],  # of two reports at once, one tells the grid worker
        note=details.get("note") or "",
        after=[lambda: notices.tell_grid(booking, "booking_no_show")],
    )


def _assign(booking, actor, relation, details, now) -> _Move:
    """Hand-over (交): staff name a volunteer; he accepts or declines it like any named request."""
    volunteer = db.session.get(Volunteer, details["volunteer_id"])
    if (
        volunteer is None
        or volunteer.community_id != booking.community_id
        or not volunteer.is_approved
    ):
        raise invalid("volunteer_id", _l("Choose an approved volunteer of this community."))
    if volunteer.user_id == booking.booker_id or volunteer.user_id in _beneficiary_accounts(
        booking
    ):
        raise invalid("volunteer_id", _l("A volunteer cannot serve his own request."))
    if booking.category_id not in volunteer.category_ids:
        raise invalid("volunteer_id", _l("This volunteer does not do this kind of work."))
    if catalogue_service.is_staff_there(volunteer, booking.community_id, booking.grid_id):
        raise invalid("volunteer_id", access.STAFF_THERE)
    if volunteer.id in access.ruled_out_ids(booking):
        raise invalid("volunteer_id", access.RULED_OUT_HAND_OVER)
    reason = (details.get("reason") or "").strip()
    if booking.grid_id not in volunteer.grid_ids and not reason:
        raise invalid("reason", _l("He does not serve this grid: say why he is the one to go."))
    volunteer_id = volunteer.id
    shown = public_name(volunteer.name, volunteer.show_full_name)
    return _Move(
        values={"volunteer_id": volunteer_id, "requested_clock_at": now, "escalated": False},
        # Her timeline names him as he chose for the public (沈**) until he accepts (contact.py).
        note=f"{shown}：{reason}" if reason else shown,
        requote=True,
        after=[lambda: notices.tell_volunteer(booking, volunteer_id, "request_for_you", actor)],
    )


def _beneficiary_accounts(booking: Booking) -> set[int]:
    own = sa.select(Resident.user_id).where(
        Resident.id == booking.beneficiary_id, Resident.user_id.is_not(None)
    )
    managers = sa.select(ResidentManager.user_id).where(
        ResidentManager.resident_id == booking.beneficiary_id
    )
    return set(db.session.execute(sa.union(own, managers)).scalars())


def _paid(booking, actor, relation, details, now) -> _Move:
    return _Move(values={"paid": True}, where=[Booking.paid.is_(False)])


_PLANS: dict[Action, Callable[..., _Move]] = {
    Action.accept: _accept,
    Action.decline: _decline,
    Action.start: _start,
    Action.complete: _complete,
    Action.confirm: _confirm,
    Action.dispute: _dispute,
    Action.resolve_confirm: _resolve_confirm,
    Action.resolve_reopen: _resolve_reopen,
    Action.cancel: _cancel,
    Action.reschedule: _reschedule,
    Action.no_show: _no_show,
    Action.assign: _assign,
    Action.paid: _paid,
}


def change_details(user: User, booking_id: int, data: dict) -> Booking:
    """Fix the contact phone or the door note until the volunteer starts (its people, or staff
    for them); a volunteer already named on it is told. Not a move of state: the status stays,
    and the timeline shows the change."""
    booking = reading.booking_for_action(booking_id)
    error, _relation = access.refusal(access.viewer_of(user), booking, access.EDIT)
    if error is not None:
        raise error
    changes = {}
    if data.get("contact_phone"):
        changes["contact_phone"] = data["contact_phone"]
    if "door_note" in data:
        changes["door_note"] = data["door_note"] or ""
    changes = {k: v for k, v in changes.items() if getattr(booking, k) != v}
    if not changes:
        return booking
    status = booking.status
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_l("Someone else changed this booking just now. Please look again."))
    db.session.expire(booking)
    timeline.record(booking, user, str(access.EDIT), status, status, "")
    if booking.volunteer_id is not None:
        notices.tell_volunteer(booking, booking.volunteer_id, "booking_details_changed", actor=user)
    return booking
