"""Moving a concern through its states (交、落、回): accept, hand over, in hand, done, report back,
close, "me too", a volunteer booking made from it, and that booking's moves closing the loop.

Who may do what is decided by rules.decide() through access.py; transition() is the one writer
of a concern's state: a conditional UPDATE (two staff acting at once: exactly one wins, the
other gets 409), kept as a ConcernEvent."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Resident, User
from ..bookings import raising
from ..bookings.events import booking_moved
from ..bookings.models import Booking
from ..bookings.rules import BookingStatus
from ..catalogue.events import categories_ensured
from ..database import utcnow
from ..errors import Conflict, invalid
from ..extensions import db
from ..notifications.service import notify
from ..places.clock import today
from ..validation import MAX_ID
from . import access, categories, rules
from .models import (
    Concern,
    ConcernMeToo,
    ConcernPhoto,
    Handler,
    record_event,
)
from .rules import Action, ConcernStatus, Outcome, Relation


@dataclasses.dataclass
class _Move:
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    where: list = dataclasses.field(default_factory=list)
    note: str = ""
    after: list[Callable[[], None]] = dataclasses.field(default_factory=list)


def _people_to_tell(concern: Concern, actor: User | None) -> list[int]:
    """The raiser, and the resident's own account when someone raised it for her."""
    ids = [concern.raised_by_id]
    if concern.resident_id is not None:
        account = db.session.execute(
            sa.select(Resident.user_id).where(Resident.id == concern.resident_id)
        ).scalar_one_or_none()
        if account is not None and account not in ids:
            ids.append(account)
    active = set(
        db.session.execute(
            sa.select(User.id).where(User.id.in_(ids), User.active.is_(True))
        ).scalars()
    )
    return [i for i in ids if i in active and (actor is None or i != actor.id)]


def _tell_raiser(concern: Concern, actor: User | None, kind: str, **params) -> Callable[[], None]:
    def step():
        for user_id in _people_to_tell(concern, actor):
            notify(user_id, kind, concern=concern, **params)

    return step


def _handler(user: User, handler_id: int) -> Handler:
    handler = db.session.get(Handler, handler_id) if handler_id <= MAX_ID else None
    if handler is None or handler.community_id != user.community_id or not handler.active:
        raise invalid("handler_id", _l("Choose one of the community's handlers."))
    return handler


def _accept(concern, actor, details, now) -> _Move:
    return _Move(
        values={"accepted_at": now, "escalated": False},
        note=details.get("note") or "",
        after=[_tell_raiser(concern, actor, "concern_accepted")],
    )


def _hand_over(concern, actor, details, now) -> _Move:
    handler = _handler(actor, details["handler_id"])
    due_on = details["due_on"]
    if due_on < today():
        raise invalid("due_on", _l("Choose today or a later day."))
    note = f"{handler.name} · {due_on.isoformat()}"
    if details.get("note"):
        note += f" · {details['note']}"
    return _Move(
        values={
            "handler_id": handler.id,
            "due_on": due_on,
            "handed_over_at": now,
            "overdue_reported_at": None,
        },
        note=note,
        after=[
            _tell_raiser(
                concern, actor, "concern_handed_over", handler=handler.name, due=due_on.isoformat()
            )
        ],
    )


def _in_hand(concern, actor, details, now) -> _Move:
    return _Move(values={"handler_id": None, "due_on": None}, note=details.get("note") or "")


def _handler_answer(concern, actor, details, now) -> _Move:
    return _Move(note=details["note"])


def _done(concern, actor, details, now) -> _Move:
    photo_ids = details.get("photo_ids") or []
    if photo_ids:
        known = set(
            db.session.execute(
                sa.select(ConcernPhoto.id).where(
                    ConcernPhoto.concern_id == concern.id,
                    ConcernPhoto.id.in_([p for p in photo_ids if p <= MAX_ID]),
                )
            ).scalars()
        )
        if set(photo_ids) - known:
            raise invalid("photo_ids", _l("These photos are not this concern's."))
    done_by = details.get("done_by") or ""
    if not done_by and concern.handler_id is not None:
        done_by = db.session.get(Handler, concern.handler_id).name
    if not done_by and actor is not None:
        done_by = actor.name
    note = details["note"]
    if photo_ids:
        note += " · " + " ".join(f"#{p}" for p in photo_ids)
    return _Move(
        values={"done_at": now, "done_note": details["note"], "done_by": done_by},
        note=note,
        after=[_tell_raiser(concern, actor, "concern_done", by=done_by)],
    )


def _report(outcome: Outcome):
    def plan(concern, actor, details, now) -> _Move:
        values: dict[str, Any] = {"outcome": outcome, "report_note": details.get("note") or ""}
        if outcome in (Outcome.satisfied, Outcome.partly):
            values["reported_back_at"] = now
        if outcome is Outcome.not_satisfied:
            # Reopened: the grid has it again; the old handler and booking are history.
            values.update(handler_id=None, due_on=None, booking_id=None, reported_back_at=None)
        # The event's action names the outcome; the note is only what the worker wrote (review C
        # M2: the raw code "satisfied" was shown under 回访：满意).
        return _Move(values=values, note=details.get("note") or "")

    return plan


def _close(concern, actor, details, now) -> _Move:
    return _Move(values={"closed_at": now}, note=details.get("note") or "")


def _booking_done(concern, actor, details, now) -> _Move:
    return _Move(
        values={"done_at": now, "done_note": details.get("note") or "", "done_by": details["by"]},
        note=details.get("note") or "",
        after=[_tell_raiser(concern, None, "concern_done", by=details["by"])],
    )


def _booking_cancelled(concern, actor, details, now) -> _Move:
    return _Move(
        values={"booking_id": None},
        where=[Concern.booking_id == details["booking_id"]],
        note=details.get("note") or "",
    )


_PLANS = {
    Action.accept: _accept,
    Action.hand_over: _hand_over,
    Action.in_hand: _in_hand,
    Action.handler_answer: _handler_answer,
    Action.done: _done,
    Action.report_satisfied: _report(Outcome.satisfied),
    Action.report_partly: _report(Outcome.partly),
    Action.report_not_satisfied: _report(Outcome.not_satisfied),
    Action.report_unreachable: _report(Outcome.unreachable),
    Action.close: _close,
    Action.booking_done: _booking_done,
    Action.booking_cancelled: _booking_cancelled,
}


def transition(concern: Concern, actor: User | None, action: Action | str, **details) -> Concern:
    """The one function that changes a concern's state. `actor` None is the system (its linked
    booking). Written with UPDATE … WHERE status = the state it was judged in."""
    action = Action(action)
    now = utcnow()
    from_status = concern.status
    if actor is not None:
        error = access.refusal(access.viewer_of(actor), concern, action)
        if error is not None:
            raise error
    elif rules.decide(action, from_status, Relation.system) is not rules.Verdict.ALLOWED:
        raise access.state_conflict(concern)
    if action in (Action.to_booking, Action.me_too):
        raise ValueError(f"{action} has its own function")
    move = _PLANS[action](concern, actor, details, now)
    to_status = rules.next_status(from_status, action)
    result = db.session.execute(
        sa.update(Concern)
        .where(Concern.id == concern.id, Concern.status == from_status, *move.where)
        .values(**move.values, status=to_status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_l("Someone else changed this concern just now. Please look again."))
    concern_id = concern.id
    db.session.expire(concern)
    _record(concern_id, actor, action, from_status, to_status, move.note, now)
    for step in move.after:
        step()
    return concern


def _record(concern_id, actor, action, from_status, to_status, note, now) -> None:
    record_event(
        concern_id,
        action,
        to_status,
        from_status=from_status,
        actor_id=actor.id if actor else None,
        note=note,
        at=now,
    )


def report_back(concern: Concern, actor: User, outcome: str, note: str | None) -> Concern:
    return transition(concern, actor, rules.REPORT_ACTIONS[Outcome(outcome)], note=note)


def to_booking(concern: Concern, actor: User, data: dict) -> Concern:
    """A handyman can do it: a volunteer booking for the concern's resident, linked both ways
    (the concern names the booking, the booking carries concern_id)."""
    error = access.refusal(access.viewer_of(actor), concern, Action.to_booking)
    if error is not None:
        raise error
    from_status = concern.status
    body = {
        "beneficiary_id": concern.resident_id,
        "date": data["date"],
        "period": data["period"],
        "mode": "home",
        "description": data["description"],
        "listing_id": data.get("listing_id"),
        "category_id": data.get("category_id"),
    }
    booking = raising.create_booking(actor, body)
    db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id)
        .values(concern_id=concern.id)
        .execution_options(synchronize_session=False)
    )
    now = utcnow()
    result = db.session.execute(
        sa.update(Concern)
        .where(
            Concern.id == concern.id, Concern.status == from_status, Concern.booking_id.is_(None)
        )
        .values(status=ConcernStatus.in_hand, booking_id=booking.id, handler_id=None, due_on=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_l("Someone else changed this concern just now. Please look again."))
    concern_id = concern.id
    db.session.expire(concern)
    _record(
        concern_id,
        actor,
        Action.to_booking,
        from_status,
        ConcernStatus.in_hand,
        f"#{booking.id}",
        now,
    )
    # She is told a volunteer will come, and when (review C M7).
    for user_id in _people_to_tell(concern, actor):
        notify(user_id, "concern_booking_made", booking=booking, concern=concern)
    return concern


def me_too(concern: Concern, user: User) -> Concern:
    """A neighbour adds her voice to a public concern; saying it twice changes nothing. The
    raiser's own "me too" is already counted in her concern."""
    error = access.refusal(access.viewer_of(user), concern, Action.me_too)
    if error is not None:
        raise error
    if concern.raised_by_id == user.id:
        return concern
    try:
        with db.session.begin_nested():
            db.session.add(ConcernMeToo(concern_id=concern.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        return concern  # said already
    db.session.execute(
        sa.update(Concern)
        .where(Concern.id == concern.id)
        .values(me_too_count=Concern.me_too_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(concern)
    return concern


def said_me_too(concern_id: int, user_id: int) -> bool:
    return (
        db.session.execute(
            sa.select(ConcernMeToo.user_id).where(
                ConcernMeToo.concern_id == concern_id, ConcernMeToo.user_id == user_id
            )
        ).first()
        is not None
    )


# --- the linked booking closes the loop --------------------------------------------------------


def after_booking_moved(booking: Booking, **_details) -> None:
    """A booking made from a concern: its confirmation marks the concern done, its
    cancellation puts the concern back in hand (without the booking)."""
    concern_id = db.session.execute(
        sa.select(Booking.concern_id, Booking.status, Booking.volunteer_id).where(
            Booking.id == booking.id
        )
    ).first()
    if concern_id is None or concern_id[0] is None:
        return
    cid, status, volunteer_id = concern_id
    concern = db.session.get(Concern, cid)
    if concern is None or concern.booking_id != booking.id:
        return
    if concern.status is not ConcernStatus.in_hand:
        return
    if status == BookingStatus.confirmed:
        from ..catalogue.models import Volunteer

        volunteer = db.session.get(Volunteer, volunteer_id) if volunteer_id else None
        transition(
            concern,
            None,
            Action.booking_done,
            by=volunteer.name if volunteer else "",
            note=f"#{booking.id}",
        )
    elif status == BookingStatus.cancelled:
        transition(
            concern, None, Action.booking_cancelled, booking_id=booking.id, note=f"#{booking.id}"
        )


def init_app(app) -> None:
    """The concerns' reactions, connected once at start-up (create_app)."""
    booking_moved.connect(after_booking_moved)
    categories_ensured.connect(categories.on_categories_ensured)
