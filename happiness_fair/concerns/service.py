"""Concern use cases (提、交、落、回): raise one, move it through its states, see it, attach
photos, add "me too", keep the handlers and the micro-grid helpers, and turn a concern into a
volunteer booking whose confirmation closes the loop back into it.

Who may do what is decided by rules.decide() through access.py; a move is written with a
conditional UPDATE (two staff acting at once: exactly one wins, the other gets 409) and kept as
a ConcernEvent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, undefer

from .. import audit, photo_uploads
from ..accounts import access as account_access
from ..accounts.models import Resident, Role, User, UserRole
from ..bookings import photos, raising
from ..bookings.events import booking_moved
from ..bookings.models import Booking
from ..bookings.rules import BookingStatus
from ..catalogue.events import categories_ensured
from ..database import page_of, utcnow
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..notifications.service import notify
from ..photo_uploads import claim_photo_place
from ..places.clock import service_date_of
from ..places.models import Building, Community, Compound
from ..validation import MAX_ID
from . import access, rules
from .models import (
    Concern,
    ConcernCategory,
    ConcernMeToo,
    ConcernPhoto,
    Handler,
    HandlerKind,
    MicroGridBuilding,
    default_categories,
    record_event,
)
from .rules import MAX_PHOTOS, Action, ConcernStatus, Outcome, Relation


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def today() -> date:
    return service_date_of(utcnow())


# --- categories ------------------------------------------------------------------------------


def ensure_concern_categories() -> None:
    """Give every community that has none the default categories (init-db, seed-demo and tests
    call this; a community created later gets them as it is inserted, models.py)."""
    have = set(db.session.execute(sa.select(ConcernCategory.community_id).distinct()).scalars())
    for community_id in db.session.execute(sa.select(Community.id)).scalars().all():
        if community_id not in have:
            db.session.execute(sa.insert(ConcernCategory), default_categories(community_id))
    db.session.flush()


def categories(community_id: int | None, *, active_only: bool = True) -> list[ConcernCategory]:
    """A community's categories in the office's order (none without a community)."""
    stmt = (
        sa.select(ConcernCategory)
        .where(ConcernCategory.community_id == (community_id or 0))
        .order_by(ConcernCategory.position, ConcernCategory.id)
    )
    if active_only:
        stmt = stmt.where(ConcernCategory.active.is_(True))
    return list(db.session.execute(stmt).scalars())


def category_by_code(community_id: int, code: str) -> ConcernCategory | None:
    return db.session.execute(
        sa.select(ConcernCategory).where(
            ConcernCategory.community_id == community_id, ConcernCategory.code == code
        )
    ).scalar_one_or_none()


def _office_category(user: User, code: str) -> ConcernCategory:
    category = category_by_code(user.community_id, code) if len(code) <= 30 else None
    if category is None:
        raise NotFound()
    if not user.is_office:
        raise Forbidden(_l("Only the office keeps the kinds of concern."))
    return category


def _category_name_taken(user: User, data: dict, except_id: int | None = None) -> dict:
    """The fields whose name another of the community's categories already has."""
    taken = {}
    for field in ("name_zh", "name_en"):
        if field not in data:
            continue
        column = getattr(ConcernCategory, field)
        stmt = sa.select(ConcernCategory.id).where(
            ConcernCategory.community_id == user.community_id,
            sa.func.lower(column) == data[field].lower(),
        )
        if except_id is not None:
            stmt = stmt.where(ConcernCategory.id != except_id)
        if db.session.execute(stmt).first() is not None:
            taken[field] = [_l("Another kind of concern has this name.")]
    return taken


def create_category(user: User, data: dict) -> ConcernCategory:
    """(Office) a new kind of concern for the community, named in both languages. Without a
    `code` one is made (`c` and a number)."""
    if not user.is_office:
        raise Forbidden(_l("Only the office keeps the kinds of concern."))
    taken = _category_name_taken(user, data)
    if taken:
        raise Conflict(_l("Another kind of concern has this name."), fields=taken)
    code = data.get("code")
    if code is None:
        count = db.session.execute(
            sa.select(sa.func.count()).where(ConcernCategory.community_id == user.community_id)
        ).scalar_one()
        code = f"c{count + 1}"
        while category_by_code(user.community_id, code) is not None:
            count += 1
            code = f"c{count + 1}"
    elif category_by_code(user.community_id, code) is not None:
        raise Conflict(_l("There is already a kind of concern with this code."))
    last = db.session.execute(
        sa.select(sa.func.max(ConcernCategory.position)).where(
            ConcernCategory.community_id == user.community_id
        )
    ).scalar_one()
    category = ConcernCategory(
        community_id=user.community_id,
        code=code,
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        position=(last or 0) + 1,
        active=True,
    )
    db.session.add(category)
    db.session.flush()
    audit.record(
        "concern_category.create",
        community_id=user.community_id,
        actor_id=user.id,
        subject_type="concern_category",
        subject_id=category.id,
        code=code,
    )
    return category


def update_category(user: User, code: str, data: dict) -> ConcernCategory:
    """(Office) rename a kind of concern (either language) or retire it (`active` false) or use
    it again. Never deleted: its concerns keep it, and a retired one is only not offered."""
    category = _office_category(user, code)
    taken = _category_name_taken(user, data, category.id)
    if taken:
        raise Conflict(_l("Another kind of concern has this name."), fields=taken)
    changed = {k: v for k, v in data.items() if getattr(category, k) != v}
    if changed.get("active") is False:
        others = db.session.execute(
            sa.select(sa.func.count()).where(
                ConcernCategory.community_id == user.community_id,
                ConcernCategory.active.is_(True),
                ConcernCategory.id != category.id,
            )
        ).scalar_one()
        if not others:
            raise Conflict(_l("Keep at least one kind of concern in use."))
    for key, value in changed.items():
        setattr(category, key, value)
    db.session.flush()
    if changed:
        action = "concern_category.update"
        if set(changed) == {"active"}:
            action = "concern_category." + ("reactivate" if changed["active"] else "retire")
        audit.record(
            action,
            community_id=user.community_id,
            actor_id=user.id,
            subject_type="concern_category",
            subject_id=category.id,
            fields=sorted(changed),
        )
    return category


def category_counts(community_id: int) -> dict[int, int]:
    """How many concerns each category of the community has (the office sees what is in use)."""
    return dict(
        db.session.execute(
            sa.select(Concern.category_id, sa.func.count())
            .where(Concern.community_id == community_id)
            .group_by(Concern.category_id)
        ).all()
    )


# --- raising a concern -----------------------------------------------------------------------


def _own_resident(user: User) -> Resident | None:
    return db.session.execute(
        sa.select(Resident).where(Resident.user_id == user.id)
    ).scalar_one_or_none()


def concern_by_key(user_id: int, key: str) -> Concern | None:
    return db.session.execute(
        sa.select(Concern).where(Concern.raised_by_id == user_id, Concern.idempotency_key == key)
    ).scalar_one_or_none()


def _building(user: User, building_id: int) -> Building:
    building = db.session.get(Building, building_id) if building_id <= MAX_ID else None
    if building is None or building.community_id != user.community_id:
        raise _invalid("building_id", _l("There is no such building here."))
    return building


def _grid_of_compound(compound_id: int) -> int:
    """A concern about a shared place with no building goes to the grid of the compound's
    first building."""
    grid_id = db.session.execute(
        sa.select(Building.grid_id)
        .where(Building.compound_id == compound_id)
        .order_by(Building.id)
        .limit(1)
    ).scalar_one_or_none()
    if grid_id is None:
        raise _invalid("compound_id", _l("This compound has no buildings yet."))
    return grid_id


@dataclasses.dataclass
class _Place:
    building: Building | None
    compound_id: int
    grid_id: int
    unit: str
    room: str


def _place(user: User, data: dict, resident: Resident | None) -> _Place:
    """Where the concern is: the building given, or a compound's public area, or else the flat
    of the resident it is about."""
    public_area = data.get("public_area", False)
    unit, room = data.get("unit") or "", data.get("room") or ""
    if data.get("building_id") is not None:
        building = _building(user, data["building_id"])
        if public_area:
            unit, room = "", ""
        elif resident is not None and building.id == resident.building_id and not (unit or room):
            unit, room = resident.unit, resident.room
        return _Place(building, building.compound_id, building.grid_id, unit, room)
    if data.get("compound_id") is not None:
        compound = (
            db.session.get(Compound, data["compound_id"]) if data["compound_id"] <= MAX_ID else None
        )
        if compound is None or compound.community_id != user.community_id:
            raise _invalid("compound_id", _l("There is no such compound here."))
        if not public_area or not (data.get("location_note") or "").strip():
            raise _invalid(
                "location_note", _l("Say where in the compound (a public area needs a place).")
            )
        return _Place(None, compound.id, _grid_of_compound(compound.id), "", "")
    if resident is None:
        raise _invalid("building_id", _l("Choose the building, or the compound and the place."))
    building = resident.building
    if public_area:
        return _Place(building, building.compound_id, building.grid_id, "", "")
    return _Place(building, building.compound_id, building.grid_id, resident.unit, resident.room)


def _who_and_where(user: User, data: dict) -> tuple[Resident | None, _Place, str]:
    """The resident the concern is about (None for a patrol finding or a helper's report by
    address), its place, and where it came from; refuses what this raiser may not raise."""
    viewer = access.viewer_of(user)
    resident = None
    if data.get("on_behalf_of_resident_id") is not None:
        rid = data["on_behalf_of_resident_id"]
        resident = db.session.get(Resident, rid) if rid <= MAX_ID else None
        if (
            resident is None
            or resident.community_id != user.community_id
            or not (
                account_access.is_self_or_manager(user, resident)
                or account_access.is_staff_for(user, resident.community_id, resident.grid_id)
            )
        ):
            raise _invalid(
                "on_behalf_of_resident_id", _l("You cannot raise a concern for this person.")
            )
        if not resident.active:
            raise _invalid("on_behalf_of_resident_id", _l("This person's record is closed."))
        staff_for_her = not account_access.is_self_or_manager(user, resident)
        source = "staff" if staff_for_her else "resident"
        place = _place(user, data, resident)
        if place.compound_id != resident.building.compound_id and not staff_for_her:
            raise _invalid("building_id", _l("Choose a place in her compound."))
        return resident, place, source

    if user.is_staff:
        place = _place(user, data, None)
        if not account_access.is_staff_for(user, user.community_id, place.grid_id):
            raise _invalid("building_id", _l("This place is not in your grids."))
        return None, place, "patrol"

    own = _own_resident(user)
    helper = user.has_role(Role.micro_grid_helper)
    place = _place(user, data, own)
    if own is not None and own.active:
        flat_is_hers = (
            place.building is not None
            and place.building.id == own.building_id
            and (data.get("public_area") or (place.unit, place.room) == (own.unit, own.room))
        )
        if flat_is_hers or (data.get("public_area") and place.compound_id in viewer.compound_ids):
            return own, place, "resident"
    if helper and place.building is not None and place.building.id in viewer.helper_building_ids:
        return None, place, "micro_grid"
    raise _invalid(
        "building_id",
        _l("You can raise concerns about your own home or the shared places of your compound."),
    )


def raise_concern(user: User, data: dict, idempotency_key: str | None = None) -> Concern:
    """提: a resident for herself or family, a micro-grid helper for his buildings, or staff on
    someone's behalf or from a patrol. With an Idempotency-Key a retry returns the first one."""
    if idempotency_key:
        existing = concern_by_key(user.id, idempotency_key)
        if existing is not None:
            return existing
    category = category_by_code(user.community_id, data["category"])
    if category is None or not category.active:
        raise _invalid("category", _l("Choose a kind of concern."))
    if data.get("private", True) and data.get("public_area", False):
        raise _invalid("private", _l("A shared place is public, not private."))
    resident, place, source = _who_and_where(user, data)
    now = utcnow()
    concern = Concern(
        status=ConcernStatus.raised,
        community_id=user.community_id,
        grid_id=place.grid_id,
        category_id=category.id,
        description=data["description"],
        building_id=place.building.id if place.building else None,
        compound_id=place.compound_id,
        unit=place.unit,
        room=place.room,
        location_note=data.get("location_note") or "",
        public_area=data.get("public_area", False),
        private=data.get("private", True),
        source=source,
        raised_by_id=user.id,
        resident_id=resident.id if resident else None,
        raised_clock_at=now,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    db.session.add(concern)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        existing = concern_by_key(user.id, idempotency_key) if idempotency_key else None
        if existing is not None:
            return existing
        if idempotency_key:
            # The first request with this key is still being saved (not committed yet).
            raise Conflict(
                _l("This concern is still being sent. Wait a moment and look at your concerns.")
            ) from exc
        raise
    record_event(concern.id, "raise", ConcernStatus.raised, actor_id=user.id, at=now)
    return concern


# --- moving a concern ------------------------------------------------------------------------


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
        raise _invalid("handler_id", _l("Choose one of the community's handlers."))
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
        raise _invalid("due_on", _l("Choose today or a later day."))
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
            raise _invalid("photo_ids", _l("These photos are not this concern's."))
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


def on_categories_ensured(sender) -> None:
    ensure_concern_categories()


def init_app(app) -> None:
    booking_moved.connect(after_booking_moved)
    categories_ensured.connect(on_categories_ensured)


# --- reading ---------------------------------------------------------------------------------


def with_timeline(stmt):
    return stmt.options(selectinload(Concern.events), selectinload(Concern.photos))


def load_concern(concern_id: int) -> Concern | None:
    if concern_id > MAX_ID:
        return None
    return db.session.execute(
        with_timeline(sa.select(Concern).where(Concern.id == concern_id))
    ).scalar_one_or_none()


def visible_concern(user: User, concern_id: int, viewer: access.Viewer | None = None) -> Concern:
    concern = load_concern(concern_id)
    viewer = viewer or access.viewer_of(user)
    if concern is None or not access.can_see(viewer, concern):
        raise NotFound()
    return concern


def concerns_for(
    viewer: access.Viewer,
    *,
    scope: str | None,
    status: str | None,
    grid_id: int | None,
    category: str | None,
    page: int,
    per_page: int,
) -> tuple[list[Concern], int]:
    """The concerns the caller may see, newest first; `scope` narrows to hers (mine), her
    grids' (grid, staff only) or the public ones near her (public)."""
    user = viewer.user
    where = [access.visible_clause(viewer)]
    if scope == "mine":
        ids = list(viewer.resident_ids) or [0]
        where.append(sa.or_(Concern.raised_by_id == user.id, Concern.resident_id.in_(ids)))
    elif scope == "grid":
        if not user.is_staff:
            raise Forbidden(_l("Only grid workers and the office see a grid's concerns."))
        if not user.is_office:
            where.append(Concern.grid_id.in_(user.grid_ids or [0]))
    elif scope == "public":
        where.append(access.public_clause(viewer))
    if status:
        where.append(Concern.status == ConcernStatus(status))
    if grid_id is not None:
        where.append(Concern.grid_id == grid_id)
    if category:
        found = category_by_code(user.community_id, category)
        where.append(Concern.category_id == (found.id if found else 0))
    stmt = with_timeline(
        sa.select(Concern).where(*where).order_by(Concern.created_at.desc(), Concern.id.desc())
    )
    return page_of(stmt, page, per_page)


# --- photos ----------------------------------------------------------------------------------


def add_photo(user: User, concern_id: int, photo: photos.CleanPhoto) -> ConcernPhoto:
    """Up to three photos (the problem, or the work done), cleaned by photos.clean_uploads."""
    viewer = access.viewer_of(user)
    concern = visible_concern(user, concern_id, viewer)
    if not access.relations(viewer, concern) & access.PEOPLE:
        raise Forbidden(_l("Only the people of a concern and the staff add photos."))
    if concern.status is ConcernStatus.closed:
        raise access.state_conflict(concern)
    if concern.photo_count >= MAX_PHOTOS:
        raise Conflict(_l("A concern has at most 3 photos."))
    claim_photo_place(
        Concern,
        concern.id,
        Concern.status != ConcernStatus.closed,
        full=_l("A concern has at most 3 photos."),
    )
    return photo_uploads.store(ConcernPhoto, "concern_id", concern.id, user.id, photo)


def photo_for(user: User, concern_id: int, photo_id: int) -> ConcernPhoto:
    """A photo, to whoever may see the concern (404 to everyone else)."""
    concern = visible_concern(user, concern_id)
    photo = db.session.execute(
        sa.select(ConcernPhoto)
        .where(ConcernPhoto.id == photo_id, ConcernPhoto.concern_id == concern.id)
        .options(undefer(ConcernPhoto.data))
    ).scalar_one_or_none()
    if photo is None:
        raise NotFound()
    return photo


# --- handlers --------------------------------------------------------------------------------


def handlers_of(user: User, *, include_inactive: bool = False) -> list[Handler]:
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the office see the handlers."))
    stmt = sa.select(Handler).where(Handler.community_id == user.community_id)
    if not include_inactive:
        stmt = stmt.where(Handler.active.is_(True))
    return list(db.session.execute(stmt.order_by(Handler.kind, Handler.name)).scalars())


def suggested_handler(concern: Concern, handlers: list[Handler]) -> Handler | None:
    """The handler a hand-over starts on: the active 物业 of the concern's own compound, when it
    has exactly one; otherwise none, so the grid worker must choose."""
    own = [
        h
        for h in handlers
        if h.active and h.kind is HandlerKind.property and h.compound_id == concern.compound_id
    ]
    return own[0] if len(own) == 1 else None


SUGGESTED_DUE_DAYS = 3


def suggested_due_on() -> date:
    """The due date a hand-over suggests (shown beside the date field, never pre-filled)."""
    return today() + timedelta(days=SUGGESTED_DUE_DAYS)


def _require_office(user: User) -> None:
    if not user.is_office:
        raise Forbidden(_l("Only the office keeps the handlers."))


def _check_compound(user: User, compound_id: int | None) -> None:
    if compound_id is None:
        return
    compound = db.session.get(Compound, compound_id) if compound_id <= MAX_ID else None
    if compound is None or compound.community_id != user.community_id:
        raise _invalid("compound_id", _l("There is no such compound here."))


def _name_taken(user: User, name: str, except_id: int | None = None) -> bool:
    stmt = sa.select(Handler.id).where(
        Handler.community_id == user.community_id, Handler.name == name
    )
    if except_id is not None:
        stmt = stmt.where(Handler.id != except_id)
    return db.session.execute(stmt).first() is not None


def create_handler(user: User, data: dict) -> Handler:
    _require_office(user)
    _check_compound(user, data.get("compound_id"))
    if _name_taken(user, data["name"]):
        raise Conflict(_l("There is already a handler of this name."))
    handler = Handler(
        community_id=user.community_id,
        name=data["name"],
        kind=HandlerKind(data["kind"]),
        compound_id=data.get("compound_id"),
        contact_name=data.get("contact_name") or "",
        contact_phone=data.get("contact_phone") or "",
    )
    db.session.add(handler)
    db.session.flush()
    audit.record(
        "handler.create",
        community_id=user.community_id,
        actor_id=user.id,
        subject_type="handler",
        subject_id=handler.id,
    )
    return handler


def update_handler(user: User, handler_id: int, data: dict) -> Handler:
    handler = db.session.get(Handler, handler_id) if handler_id <= MAX_ID else None
    if handler is None or handler.community_id != user.community_id:
        raise NotFound()
    _require_office(user)
    if "compound_id" in data:
        _check_compound(user, data["compound_id"])
    if "name" in data and _name_taken(user, data["name"], handler.id):
        raise Conflict(_l("There is already a handler of this name."))
    for key, value in data.items():
        if key == "kind":
            value = HandlerKind(value)
        setattr(handler, key, value)
    db.session.flush()
    audit.record(
        "handler.update",
        community_id=user.community_id,
        actor_id=user.id,
        subject_type="handler",
        subject_id=handler.id,
        fields=sorted(data),
    )
    return handler


# --- micro-grid helpers ----------------------------------------------------------------------


def appoint_micro_grid_helper(user: User, resident_id: int, building_ids: list[int]) -> list[int]:
    """(Office) a resident with an account serves these buildings; an empty list ends it."""
    resident = account_access.visible_resident(user, resident_id)
    if not user.is_office:
        raise Forbidden(_l("Only the office appoints micro-grid helpers."))
    if resident.user_id is None:
        raise Conflict(_l("A micro-grid helper needs an account of her own."))
    wanted = sorted(set(building_ids))
    found = set(
        db.session.execute(
            sa.select(Building.id).where(
                Building.id.in_([b for b in wanted if b <= MAX_ID] or [0]),
                Building.community_id == user.community_id,
            )
        ).scalars()
    )
    if set(wanted) - found:
        raise _invalid("building_ids", _l("There is no such building here."))
    db.session.execute(
        sa.delete(MicroGridBuilding).where(MicroGridBuilding.user_id == resident.user_id)
    )
    for building_id in wanted:
        db.session.add(MicroGridBuilding(user_id=resident.user_id, building_id=building_id))
    has_role = db.session.execute(
        sa.select(UserRole).where(
            UserRole.user_id == resident.user_id, UserRole.role == Role.micro_grid_helper
        )
    ).scalar_one_or_none()
    if wanted and has_role is None:
        db.session.add(UserRole(user_id=resident.user_id, role=Role.micro_grid_helper))
    elif not wanted and has_role is not None:
        db.session.delete(has_role)
    db.session.flush()
    audit.record(
        "micro_grid.appoint" if wanted else "micro_grid.end",
        community_id=user.community_id,
        actor_id=user.id,
        subject_type="resident",
        subject_id=resident.id,
    )
    return wanted


def micro_grid_helpers(user: User) -> list[tuple[Resident, list[Building]]]:
    """(Office) the community's micro-grid helpers, each with the buildings he serves."""
    if not user.is_office:
        raise Forbidden(_l("Only the office appoints micro-grid helpers."))
    rows = db.session.execute(
        sa.select(Resident, Building)
        .join(MicroGridBuilding, MicroGridBuilding.user_id == Resident.user_id)
        .join(Building, Building.id == MicroGridBuilding.building_id)
        .where(Resident.community_id == user.community_id)
        .order_by(Resident.name, Resident.id, Building.compound_id, Building.id)
    ).all()
    helpers: dict[int, tuple[Resident, list[Building]]] = {}
    for resident, building in rows:
        helpers.setdefault(resident.id, (resident, []))[1].append(building)
    return list(helpers.values())


def resident_with_account(user: User, phone: str) -> Resident:
    """(Office) the resident of the community whose own account has this phone number."""
    resident = db.session.execute(
        sa.select(Resident)
        .join(User, User.id == Resident.user_id)
        .where(
            User.phone == phone,
            Resident.community_id == user.community_id,
            Resident.active.is_(True),
        )
    ).scalar_one_or_none()
    if resident is None:
        raise _invalid("phone", _l("No resident of the community has an account with this number."))
    return resident


# --- the grid's desk -------------------------------------------------------------------------


def _staff_scope(user: User):
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the office see the grid's board."))
    where = [Concern.community_id == user.community_id]
    if not user.is_office:
        where.append(Concern.grid_id.in_(user.grid_ids or [0]))
    return where


def board(user: User, limit: int = 10) -> dict[str, tuple[list[Concern], int]]:
    """The grid board's concerns: new (raised), due soon, overdue, to report back."""
    where = _staff_scope(user)
    day = today()
    sections = {
        "new": [Concern.status == ConcernStatus.raised],
        "due_soon": [
            Concern.status == ConcernStatus.handed_over,
            Concern.due_on >= day,
            Concern.due_on <= day + rules.DUE_SOON,
        ],
        "overdue": [Concern.status == ConcernStatus.handed_over, Concern.due_on < day],
        "report_back": [Concern.status == ConcernStatus.done],
    }
    out = {}
    for name, extra in sections.items():
        stmt = with_timeline(
            sa.select(Concern).where(*where, *extra).order_by(Concern.created_at, Concern.id)
        )
        out[name] = page_of(stmt, 1, limit)
    return out


def overdue_for_office(user: User, page: int, per_page: int) -> tuple[list[Concern], int]:
    if not user.is_office:
        raise Forbidden(_l("Only the office sees the overdue list."))
    stmt = with_timeline(
        sa.select(Concern)
        .where(
            Concern.community_id == user.community_id,
            Concern.status == ConcernStatus.handed_over,
            Concern.due_on < today(),
        )
        .order_by(Concern.due_on, Concern.id)
    )
    return page_of(stmt, page, per_page)


def is_overdue(concern: Concern) -> bool:
    return rules.is_overdue(concern.status, concern.due_on, today())


def handler_names(ids) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Handler.id, Handler.name).where(Handler.id.in_(ids))).all()
    )
