"""Fair days over JSON (API.md "Fee rules, fair days, notifications"). A slot is booked with
POST /bookings (mode "fair"); everything else about the day is here."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.security import me
from ..api.base import ApiBlueprint, list_schema, login_required, page_schema, paged
from ..errors import ValidationFailed
from ..hours.schemas import HoursRecordSchema
from . import service
from .schemas import (
    AttendanceSchema,
    FairDayCancelSchema,
    FairDayListArgs,
    FairDaySchema,
    NewFairDaySchema,
    NewStallSchema,
    NewWalkInSchema,
    SlotListSchema,
    StallSchema,
    StallWithdrawSchema,
    WalkInListSchema,
    WalkInSchema,
)

blp = ApiBlueprint(
    "fairs_api",
    __name__,
    description="Fair days (事集日): stalls, slots, walk-ins",
    tag="fair-days",
)


@blp.get("/fair-days")
@blp.doc(operationId="listFairDays")
@blp.arguments(FairDayListArgs, location="query")
@blp.response(200, page_schema(FairDaySchema, "FairDayPage"))
@blp.errors(422)
def list_fair_days(args):
    """A community's fair days (事集日), public like the notice board (paged).

    Who: anyone; a signed-in caller's own community unless `community_id` names another;
    `upcoming=true` for today's and later, soonest first.

    - 422: no community named by an anonymous caller, or an invalid argument."""
    community_id = args.get("community_id")
    if community_id is None and current_user.is_authenticated:
        community_id = current_user.community_id
    if community_id is None:
        raise ValidationFailed(fields={"community_id": [_("Choose a community.")]})
    items, total = service.fair_days(
        community_id, upcoming=args["upcoming"], page=args["page"], per_page=args["per_page"]
    )
    return paged(items, total, args)


@blp.post("/fair-days")
@blp.doc(operationId="scheduleFairDay")
@blp.arguments(NewFairDaySchema)
@blp.response(201, FairDaySchema)
@blp.errors(400, 401, 403, 422)
@login_required
def schedule_fair_day(data):
    """Schedule a fair day: date, time window, venue in one of the grids, slot length.

    Who: the office.

    - 403: the caller is not the office.
    - 422: a day in the past, an end before the start, a day over 12 hours, a slot that does not
      fit, a grid not in the community."""
    return service.schedule(me(), data)


@blp.get("/fair-days/<int:fair_day_id>")
@blp.doc(operationId="getFairDay")
@blp.response(200, FairDaySchema)
@blp.errors(404)
def get_fair_day(fair_day_id):
    """One fair day (public).

    Who: anyone.

    - 404: no such fair day."""
    return service.get_fair_day(fair_day_id)


@blp.post("/fair-days/<int:fair_day_id>/stalls")
@blp.doc(operationId="signUpStall")
@blp.arguments(NewStallSchema)
@blp.response(201, StallSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def sign_up_stall(data, fair_day_id):
    """Sign up a stall for one of my fair listings, with so many seats in every slot.

    Who: an approved volunteer of the fair day's community.

    - 403: the caller is not an approved volunteer, or the listing is not his.
    - 404: no such fair day, or it is another community's.
    - 409: the day is over or cancelled, this listing already has a stall that day, or the
      office withdrew it (a stall its own volunteer withdrew is opened again, with these seats).
    - 422: no such listing, or one not offered at fairs."""
    return service.sign_up_stall(me(), fair_day_id, data)


@blp.post("/fair-days/<int:fair_day_id>/cancel")
@blp.arguments(FairDayCancelSchema)
@blp.response(200, FairDaySchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="cancelFairDay")
@login_required
def cancel_fair_day(data, fair_day_id):
    """Call a fair day off, with a reason.

    Who: the office of the fair day's community. Every stall is withdrawn, booked residents are
    told and their bookings cancelled, stall volunteers are told. Audited.

    - 403: the caller is not the office.
    - 404: no such fair day, or it is another community's.
    - 409: the day is already cancelled, or it is over, or it took place (attendance or a
      walk-in is recorded).
    - 422: no reason given, or one over 500 characters."""
    return service.cancel_fair_day(me(), fair_day_id, data["reason"])


@blp.post("/fair-days/<int:fair_day_id>/stalls/<int:stall_id>/withdraw")
@blp.arguments(StallWithdrawSchema)
@blp.response(200, StallSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="withdrawStall")
@login_required
def withdraw_stall(data, fair_day_id, stall_id):
    """Withdraw a stall from a fair day, with an optional reason.

    Who: the stall's own volunteer while approved, or the office of the fair day's community. Its
    booked residents are told and their bookings cancelled (not turned into open requests).

    - 403: another volunteer, or a caller who is neither an approved volunteer nor the office (a
      resident).
    - 404: no such fair day or stall on that day, or the day is another community's.
    - 409: the stall is already withdrawn (or the day cancelled), the day is over, or the stall
      has attendance or a walk-in recorded.
    - 422: a reason over 500 characters."""
    return service.withdraw_stall(me(), fair_day_id, stall_id, data["reason"])


@blp.get("/fair-days/<int:fair_day_id>/slots")
@blp.doc(operationId="listFairDaySlots")
@blp.response(200, SlotListSchema)
@blp.errors(404)
def list_slots(fair_day_id):
    """Every slot of every stall and how many seats are free (public).

    Who: anyone. A slot is booked with `createBooking` (mode `fair`).

    - 404: no such fair day."""
    return {"items": service.free_slots(service.get_fair_day(fair_day_id))}


@blp.post("/fair-days/<int:fair_day_id>/walk-ins")
@blp.doc(operationId="recordWalkIn")
@blp.arguments(NewWalkInSchema)
@blp.response(201, WalkInSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def record_walk_in(data, fair_day_id):
    """Record someone served without a booking (the name is optional).

    Who: the stall's volunteer, or the office. It shows in his service records and adds no hours
    of its own.

    - 403: the caller is not the stall's volunteer or the office.
    - 404: no such fair day, or it is another community's.
    - 409: the fair day has not come yet, it was cancelled, or the stall was withdrawn.
    - 422: no such stall that day, or no kind of service."""
    return service.record_walk_in(me(), fair_day_id, data)


@blp.get("/fair-days/<int:fair_day_id>/walk-ins")
@blp.doc(operationId="listWalkIns")
@blp.response(200, WalkInListSchema)
@blp.errors(401, 403, 404)
@login_required
def list_walk_ins(fair_day_id):
    """The day's walk-ins: the office all of them, a volunteer his own.

    Who: volunteers and the office.

    - 403: the caller is neither.
    - 404: no such fair day, or it is another community's."""
    return {"items": service.walk_ins_of(me(), fair_day_id)}


@blp.post("/fair-days/<int:fair_day_id>/attendance")
@blp.doc(operationId="confirmFairAttendance")
@blp.arguments(AttendanceSchema)
@blp.response(200, list_schema(HoursRecordSchema, "DutyHoursList"))
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def confirm_attendance(data, fair_day_id):
    """Confirm which stall volunteers attended: each gets one verified duty record.

    Who: the office, on or after the day. Each record covers the fair's time window unless
    corrected, in the venue's grid; a volunteer confirmed before gets none. Answers the records
    this call created.

    - 403: the caller is not the office.
    - 404: no such fair day, or it is another community's.
    - 409: the fair day has not come yet, or it was cancelled.
    - 422: a volunteer without a stall that day, or a correction for one not confirmed."""
    return {"items": service.confirm_attendance(me(), fair_day_id, data)}
