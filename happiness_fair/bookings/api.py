"""Bookings over JSON (API.md "Bookings"): raise, list, see, act on, and attach photos."""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.rules import phone_for_list
from ..api.base import ApiBlueprint, PageArgs, login_required, page_schema, paged
from ..errors import NotFound, ValidationFailed
from ..validation import MAX_ID
from . import access, contact, service
from .models import Booking
from .photos import MAX_BYTES
from .rules import Action
from .schemas import (
    AcceptSchema,
    AssignSchema,
    BookingDetailsSchema,
    BookingListArgs,
    BookingSchema,
    CompleteSchema,
    ConfirmSchema,
    DisputeSchema,
    EmptySchema,
    NewBookingSchema,
    NoteSchema,
    PhotoSchema,
    PhotoUploadSchema,
    ReasonSchema,
    RescheduleSchema,
    ResolveSchema,
)

blp = ApiBlueprint("bookings_api", __name__, description="Bookings: requests, jobs and photos")

ACTION_ERRORS = (400, 401, 403, 404, 409, 422)
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "A retry with the same key returns the first booking instead of a second.",
    "schema": {"type": "string", "maxLength": 100},
}


def _viewer() -> access.Viewer:
    """How the caller stands to bookings, worked out once per request."""
    if "booking_viewer" not in g:
        g.booking_viewer = access.viewer_of(current_user._get_current_object())
    return g.booking_viewer


def _photo_url(booking_id: int, photo_id: int) -> str:
    return url_for("bookings_api.get_photo", booking_id=booking_id, photo_id=photo_id)


def booking_view(booking: Booking, viewer: access.Viewer) -> dict:
    """The booking as this person may see it: address, phone, door note and photos are null
    for a volunteer who has not accepted it; a waiver that could reveal a flag is unnamed."""
    private = access.sees_private(viewer, booking)
    quote = dict(booking.quote)
    if not access.sees_waiver_reason(viewer, booking) and quote.get("waiver_rule") != "age_80":
        quote["waiver_rule"] = None
    return {
        "id": booking.id,
        "status": booking.status.value,
        "escalated": booking.escalated,
        "no_show": booking.no_show,
        "booker_id": booking.booker_id,
        "beneficiary_id": booking.beneficiary_id,
        "listing_id": booking.listing_id,
        "category_id": booking.category_id,
        "volunteer_id": booking.volunteer_id,
        "community_id": booking.community_id,
        "grid_id": booking.grid_id,
        "date": booking.date,
        "period": booking.period.value,
        "mode": booking.mode,
        "description": booking.description,
        "address": booking.address if private else None,
        "contact_phone": booking.contact_phone if private else None,
        "door_note": booking.door_note if private else None,
        "photos": (
            [{"id": p.id, "url": _photo_url(booking.id, p.id)} for p in booking.photos]
            if access.sees_photos(viewer, booking)
            else None
        ),
        "quote": quote,
        "materials_estimate_fen": booking.materials_estimate_fen,
        "minutes": booking.minutes,
        "materials_fen": booking.materials_fen,
        "completion_note": booking.completion_note,
        "rating": booking.rating,
        "comment": booking.comment,
        "paid": booking.paid,
        "linked_booking_id": booking.linked_booking_id,
        "volunteer_contact": contact.volunteer_contact(viewer, booking),
        "events": [
            {
                "at": e.at,
                "actor_id": e.actor_id,
                "from_status": e.from_status.value if e.from_status else None,
                "to_status": e.to_status.value,
                "action": e.action,
                "note": e.note,
            }
            for e in booking.events
        ],
        "actions": access.allowed_actions(viewer, booking),
        "created_at": booking.created_at,
        "completed_at": booking.completed_at,
    }


def _present(booking_id: int) -> dict:
    """The booking after a change, as the caller now sees it (a volunteer who declined may no
    longer see it at all, but is still answered with what he did)."""
    booking = service.load_booking(booking_id)
    return booking_view(booking, _viewer())


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100:
        raise ValidationFailed(fields={"Idempotency-Key": [_("Use a key of 1 to 100 characters.")]})
    return key


def list_view(booking: Booking, viewer: access.Viewer) -> dict:
    """A booking in a list: other people's phone numbers masked (138****1234)."""
    view = booking_view(booking, viewer)
    view["contact_phone"] = phone_for_list(view["contact_phone"], viewer.user.phone)
    return view


def _paged(items, total, args) -> dict:
    viewer = _viewer()
    volunteers = contact.load_volunteers(items)  # noqa: F841  (kept alive while serialising)
    return paged([list_view(b, viewer) for b in items], total, args)


@blp.post("/bookings")
@blp.arguments(NewBookingSchema)
@blp.response(201, BookingSchema)
@blp.errors(400, 401, 404, 409, 422)
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@login_required
def create_booking(data):
    """Ask for help, for oneself or a person one books for: a volunteer's service (named) or
    only a kind of service (open to every volunteer with that skill in the grid). With mode
    "fair", fair_day_id and slot_start: a seat at a fair-day stall, accepted at once (404 for
    a fair day of another community, 409 when the slot is full or the day is over)."""
    booking = service.create_booking(current_user._get_current_object(), data, _idempotency_key())
    return _present(booking.id)


@blp.get("/bookings")
@blp.arguments(BookingListArgs, location="query")
@blp.response(200, page_schema(BookingSchema, "BookingPage"))
@blp.errors(401, 422)
@login_required
def list_bookings(args):
    """The bookings the caller has a part in, newest first."""
    items, total = service.bookings_for(
        _viewer(), status=args.get("status"), page=args["page"], per_page=args["per_page"]
    )
    return _paged(items, total, args)


@blp.get("/jobs")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(BookingSchema, "JobPage"))
@blp.errors(401, 403, 422)
@login_required
def list_jobs(args):
    """Requests the calling approved volunteer may accept now, soonest first."""
    items, total = service.jobs_for(_viewer(), page=args["page"], per_page=args["per_page"])
    return _paged(items, total, args)


@blp.get("/bookings/<int:booking_id>")
@blp.response(200, BookingSchema)
@blp.errors(401, 404)
@login_required
def get_booking(booking_id):
    """One booking with its quote and timeline."""
    viewer = _viewer()
    return booking_view(service.visible_booking(viewer.user, booking_id, viewer), viewer)


@blp.patch("/bookings/<int:booking_id>")
@blp.arguments(BookingDetailsSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="changeBookingDetails")
@login_required
def change_details(data, booking_id):
    """Fix the contact phone or the door note. The booker, the person served, her managers, and
    staff of its grid for them, until the volunteer starts; the volunteer is told. 403: the
    volunteer (he cannot change it); 404: not yours to see; 409: the work has started (or it
    is over); 422: not a mobile number, or a note over 200 characters."""
    service.change_details(current_user._get_current_object(), booking_id, data)
    return _present(booking_id)


def _act(booking_id: int, action: Action | str, **details) -> dict:
    user = current_user._get_current_object()
    booking = service.booking_for_action(booking_id)
    service.transition(booking, user, action, **details)
    return _present(booking_id)


@blp.post("/bookings/<int:booking_id>/accept")
@blp.arguments(AcceptSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def accept(data, booking_id):
    """Take the request (first come, first served); optionally say what materials will cost."""
    return _act(booking_id, Action.accept, **data)


@blp.post("/bookings/<int:booking_id>/decline")
@blp.arguments(ReasonSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def decline(data, booking_id):
    """Give the request back: it becomes an open request and its 24-hour clock restarts."""
    return _act(booking_id, Action.decline, **data)


@blp.post("/bookings/<int:booking_id>/start")
@blp.arguments(EmptySchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def start(data, booking_id):
    """The volunteer is at the door and starts."""
    return _act(booking_id, Action.start)


@blp.post("/bookings/<int:booking_id>/complete")
@blp.arguments(CompleteSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def complete(data, booking_id):
    """Done: the minutes actually given (1–720), materials at cost, a note."""
    return _act(booking_id, Action.complete, **data)


@blp.post("/bookings/<int:booking_id>/confirm")
@blp.arguments(ConfirmSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def confirm(data, booking_id):
    """The problem is solved: rate the job (1–5 stars)."""
    return _act(booking_id, Action.confirm, **data)


@blp.post("/bookings/<int:booking_id>/dispute")
@blp.arguments(DisputeSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def dispute(data, booking_id):
    """The job was not done (within 7 days of its completion)."""
    return _act(booking_id, Action.dispute, **data)


@blp.post("/bookings/<int:booking_id>/resolve")
@blp.arguments(ResolveSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def resolve(data, booking_id):
    """Staff settle a dispute: confirm the job, or reopen the request for another volunteer."""
    action = Action.resolve_confirm if data["outcome"] == "confirm" else Action.resolve_reopen
    return _act(booking_id, action, note=data["note"])


@blp.post("/bookings/<int:booking_id>/cancel")
@blp.arguments(ReasonSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def cancel(data, booking_id):
    """Call it off while it is requested or accepted."""
    return _act(booking_id, Action.cancel, **data)


@blp.post("/bookings/<int:booking_id>/reschedule")
@blp.arguments(RescheduleSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def reschedule(data, booking_id):
    """Another day or time of day; the volunteer is told and may decline."""
    return _act(booking_id, Action.reschedule, **data)


@blp.post("/bookings/<int:booking_id>/no-show")
@blp.arguments(NoteSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def no_show(data, booking_id):
    """The accepted volunteer did not come: the grid workers are told."""
    return _act(booking_id, Action.no_show, **data)


@blp.post("/bookings/<int:booking_id>/assign")
@blp.arguments(AssignSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def assign(data, booking_id):
    """Hand-over (交): staff hand a request to a chosen volunteer, who accepts or declines."""
    return _act(booking_id, Action.assign, **data)


@blp.post("/bookings/<int:booking_id>/paid")
@blp.arguments(EmptySchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def paid(data, booking_id):
    """The money was paid at the door (cash or a QR code)."""
    return _act(booking_id, access.PAID)


@blp.post("/bookings/<int:booking_id>/photos")
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def add_photo(data, booking_id):
    """A photo of the problem (JPEG or PNG, at most 5 MB, at most 3); location data is removed."""
    upload = data["photo"]
    if not hasattr(upload, "stream"):
        raise ValidationFailed(fields={"photo": [_("Choose a JPEG or PNG photo.")]})
    try:
        raw = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    user = current_user._get_current_object()
    photo = service.add_photo(user, booking_id, raw)
    return {"id": photo.id, "url": _photo_url(booking_id, photo.id)}


@blp.get("/bookings/<int:booking_id>/photos/<int:photo_id>")
@blp.doc(
    responses={
        "200": {
            "description": "The photo",
            "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
)
@blp.errors(401, 404)
@login_required
def get_photo(booking_id, photo_id):
    """A photo, only to those who may see the booking's photos."""
    if photo_id > MAX_ID:
        raise NotFound()  # beyond any id the database can hold
    photo = service.photo_for(current_user._get_current_object(), booking_id, photo_id)
    response = current_app.response_class(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
