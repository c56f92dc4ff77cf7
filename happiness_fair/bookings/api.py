"""Bookings over JSON (API.md "Bookings"): raise, list, see, act on, and attach photos."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _

from ..accounts.limits import photo_uploads
from ..accounts.rules import phone_for_list
from ..accounts.security import me
from ..api import examples
from ..api.base import (
    IDEMPOTENCY_KEY,
    ApiBlueprint,
    PageArgs,
    login_required,
    page_schema,
    paged,
)
from ..database import utcnow
from ..errors import NotFound, ValidationFailed
from ..validation import MAX_ID
from . import access, contact, moving, photos, raising, reading, rules
from .models import Booking
from .photos import MAX_BYTES, clean_uploads
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
IDEMPOTENCY_HEADER = IDEMPOTENCY_KEY  # the shared parameter component


def _viewer() -> access.Viewer:
    """How the caller stands to bookings: read with the sign-in, and again after a change to
    what it is made of (access.viewer_of), so an answer after a move is never judged by the
    standing, skills or grids he had before it."""
    return access.viewer_of(me())


def _photo_url(booking_id: int, photo_id: int) -> str:
    return url_for("bookings_api.get_photo", booking_id=booking_id, photo_id=photo_id)


def booking_view(booking: Booking, viewer: access.Viewer) -> dict:
    """The booking as this person may see it (bookings/access.py): contact phone, address,
    door note and photos null for a volunteer outside his window; his quote only the amount."""
    # His relations to it and the moment, worked out once for all the questions below.
    held, now = access.relations(viewer, booking), utcnow()
    private = access.sees_private(viewer, booking, now, held)
    address = access.sees_address(viewer, booking, now, held)
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
        "address": booking.address if address else None,
        "contact_phone": booking.contact_phone if private else None,
        "door_note": booking.door_note if address else None,
        "photos": (
            [{"id": p.id, "url": _photo_url(booking.id, p.id)} for p in booking.photos]
            if access.sees_photos(viewer, booking, now, held)
            else None
        ),
        "quote": access.quote_for(viewer, booking, held),
        "materials_estimate_fen": booking.materials_estimate_fen,
        "minutes": booking.minutes,
        "materials_fen": booking.materials_fen,
        "completion_note": booking.completion_note,
        "rating": booking.rating,
        "comment": booking.comment,
        "paid": booking.paid,
        "linked_booking_id": booking.linked_booking_id,
        "concern_id": booking.concern_id,
        "volunteer_contact": contact.volunteer_contact(viewer, booking, now, held),
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
        "actions": access.api_actions(viewer, booking, now, held),
        "created_at": booking.created_at,
        "completed_at": booking.completed_at,
    }


def _present(booking_id: int, written: Booking | None = None) -> dict:
    """The booking after a change, as the caller now sees it (a volunteer who declined may no
    longer see it at all, but is still answered with what he did). `written`: the booking as
    the change left it in memory, timeline included, when nothing else may have changed it;
    the answer is then built from it without reading it again."""
    loaded = written is not None and {"events", "photos", "status"} <= written.__dict__.keys()
    booking = written if loaded else reading.load_booking(booking_id)
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
    contact.load_volunteers(items, viewer)
    return paged([list_view(b, viewer) for b in items], total, args)


@blp.post("/bookings")
@blp.doc(operationId="createBooking")
@blp.arguments(NewBookingSchema, example=examples.NEW_BOOKING)
@blp.response(201, BookingSchema, example=examples.BOOKING_REQUESTED)
@blp.errors(400, 401, 404, 409, 422)
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@login_required
def create_booking(data):
    """Ask for help: book a volunteer's service, or only a kind of service.

    Who: any signed-in caller, for himself (the default `beneficiary_id`), for a person he manages,
    or (grid workers, office) for any resident of their grids. With `listing_id` the request goes
    to that volunteer; with `category_id` it is open to every approved volunteer with that skill
    in the grid. With mode `fair`, `fair_day_id` and `slot_start`: a seat at a fair-day stall,
    accepted at once. Send an `Idempotency-Key` so a retry returns the first booking.

    - 404: the listing, category or fair day does not exist (or is another community's).
    - 409: the fair-day slot is full, or the fair day is over.
    - 422: a field is invalid: a date in the past, both or neither of `listing_id` and
      `category_id`, a beneficiary the caller may not book for, a bad `Idempotency-Key`."""
    booking = raising.create_booking(me(), data, _idempotency_key())
    return _present(booking.id, booking)


@blp.get("/bookings")
@blp.doc(operationId="listBookings")
@blp.arguments(BookingListArgs, location="query")
@blp.response(200, page_schema(BookingSchema, "BookingPage"))
@blp.errors(401, 422)
@login_required
def list_bookings(args):
    """The bookings the caller has a part in, newest first (paged).

    Who: any signed-in caller: as booker, beneficiary, manager, volunteer, grid worker of the
    booking's grid or office. Other people's phone numbers are masked in the list.

    - 422: a query argument is invalid (an unknown `status`)."""
    items, total = reading.bookings_for(
        _viewer(), status=args.get("status"), page=args["page"], per_page=args["per_page"]
    )
    return _paged(items, total, args)


@blp.get("/jobs")
@blp.doc(operationId="listJobs")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(BookingSchema, "JobPage"))
@blp.errors(401, 403, 422)
@login_required
def list_jobs(args):
    """Open requests the calling volunteer may accept now, soonest first (paged).

    Who: an approved volunteer: requests in his skills and grids, and those handed to him.

    - 403: the caller is not an approved volunteer.
    - 422: a query argument is invalid."""
    items, total = reading.jobs_for(_viewer(), page=args["page"], per_page=args["per_page"])
    return _paged(items, total, args)


@blp.get("/bookings/<int:booking_id>")
@blp.doc(operationId="getBooking")
@blp.response(200, BookingSchema)
@blp.errors(401, 404)
@login_required
def get_booking(booking_id):
    """One booking, with its quote, timeline and the caller's `actions`.

    Who: its booker, beneficiary and her managers, its volunteer (and candidates for an open
    request), grid workers of its grid and the office. What a volunteer sees of the person
    follows API.md ("Bookings").

    - 404: no such booking, or the caller may not see it."""
    viewer = _viewer()
    return booking_view(reading.visible_booking(viewer.user, booking_id, viewer), viewer)


@blp.patch("/bookings/<int:booking_id>")
@blp.arguments(BookingDetailsSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="changeBookingDetails")
@login_required
def change_details(data, booking_id):
    """Fix the contact phone or the door note of a booking.

    Who: its booker, the person served and her managers, and for them grid workers of its grid
    and the office, until the volunteer starts (while it is requested or accepted). The status
    stays; the timeline shows the change, and a volunteer already named on it is told.

    - 403: the caller may see it but may not change it (its volunteer, a candidate).
    - 404: no such booking, or the caller may not see it.
    - 409: the work has started (or it is over), or someone else changed it just now.
    - 422: not a mobile number, or a door note over 200 characters."""
    moving.change_details(me(), booking_id, data)
    return _present(booking_id)


def _act(booking_id: int, action: Action, **details) -> dict:
    user = me()
    booking = reading.booking_for_action(booking_id)
    moving.transition(booking, user, action, **details)
    # Taking a job changes the booking row and adds a step, nothing else: answer from memory.
    return _present(booking_id, booking if action == Action.accept else None)


@blp.post("/bookings/<int:booking_id>/accept")
@blp.doc(operationId="acceptBooking")
@blp.arguments(AcceptSchema, example=examples.ACCEPT)
@blp.response(200, BookingSchema, example=examples.BOOKING_ACCEPTED)
@blp.errors(*ACTION_ERRORS)
@login_required
def accept(data, booking_id):
    """Take a request (first come, first served).

    Who: an approved volunteer with the request's skill who serves its grid, the volunteer it was
    named for or handed to. Optionally says what materials will cost.

    - 403: the caller may see it but may never take it (its booker, a volunteer not approved).
    - 404: no such booking, or the caller may not see it.
    - 409: another volunteer took it first, it was handed to someone else, or it is no longer
      requested.
    - 422: `materials_estimate_fen` is out of range."""
    return _act(booking_id, Action.accept, **data)


@blp.post("/bookings/<int:booking_id>/decline")
@blp.doc(operationId="declineBooking")
@blp.arguments(ReasonSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def decline(data, booking_id):
    """Give a request back: it becomes an open request and its 24-hour clock restarts.

    Who: its volunteer; staff of its grid for him.

    - 403: the caller is not its volunteer or staff.
    - 404: no such booking, or the caller may not see it.
    - 409: no volunteer has this request, or it is past accepted.
    - 422: the reason is too long."""
    return _act(booking_id, Action.decline, **data)


@blp.post("/bookings/<int:booking_id>/start")
@blp.doc(operationId="startBooking")
@blp.arguments(EmptySchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def start(data, booking_id):
    """The volunteer is at the door and starts the job.

    Who: its volunteer; staff of its grid for him.

    - 403: the caller is not its volunteer or staff.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not accepted.
    - 422: the body is not an empty object."""
    return _act(booking_id, Action.start)


@blp.post("/bookings/<int:booking_id>/complete")
@blp.doc(operationId="completeBooking")
@blp.arguments(CompleteSchema, example=examples.COMPLETE)
@blp.response(200, BookingSchema, example=examples.BOOKING_COMPLETED)
@blp.errors(*ACTION_ERRORS)
@login_required
def complete(data, booking_id):
    """The job is done: the minutes actually given, materials at cost, a note.

    Who: its volunteer; staff of its grid for him. The people are asked to confirm.

    - 403: the caller is not its volunteer or staff.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not in progress.
    - 422: `minutes` outside 1–720, `materials_fen` out of range."""
    return _act(booking_id, Action.complete, **data)


@blp.post("/bookings/<int:booking_id>/confirm")
@blp.doc(operationId="confirmBooking")
@blp.arguments(ConfirmSchema, example=examples.CONFIRM)
@blp.response(200, BookingSchema, example=examples.BOOKING_CONFIRMED)
@blp.errors(*ACTION_ERRORS)
@login_required
def confirm(data, booking_id):
    """The problem is solved: confirm the job and rate it (1–5 stars).

    Who: its booker, beneficiary or her managers; staff of its grid for them. The volunteer's
    minutes are then logged in the grid.

    - 403: the caller is its volunteer, who cannot confirm his own job.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not completed.
    - 422: `rating` outside 1–5, or the comment is too long."""
    return _act(booking_id, Action.confirm, **data)


@blp.post("/bookings/<int:booking_id>/dispute")
@blp.doc(operationId="disputeBooking")
@blp.arguments(DisputeSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def dispute(data, booking_id):
    """The job was not done: dispute it within 7 days of its completion.

    Who: its booker, beneficiary or her managers; staff of its grid for them.

    - 403: the caller is its volunteer.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not completed, or the 7 days have passed.
    - 422: no reason given."""
    return _act(booking_id, Action.dispute, **data)


@blp.post("/bookings/<int:booking_id>/resolve")
@blp.doc(operationId="resolveDispute")
@blp.arguments(ResolveSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def resolve(data, booking_id):
    """Settle a dispute: confirm the job, or reopen the request for another volunteer.

    Who: grid workers of its grid and the office.

    - 403: the caller is not staff.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not disputed.
    - 422: no `outcome` or no note."""
    return _act(booking_id, rules.settled_as(data["outcome"]), note=data["note"])


@blp.post("/bookings/<int:booking_id>/cancel")
@blp.doc(operationId="cancelBooking")
@blp.arguments(ReasonSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def cancel(data, booking_id):
    """Call a booking off while it is requested or accepted.

    Who: its booker, beneficiary or her managers; staff of its grid.

    - 403: the caller is its volunteer (he declines instead).
    - 404: no such booking, or the caller may not see it.
    - 409: it has started, or is already over.
    - 422: the reason is too long."""
    return _act(booking_id, Action.cancel, **data)


@blp.post("/bookings/<int:booking_id>/reschedule")
@blp.doc(operationId="rescheduleBooking")
@blp.arguments(RescheduleSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def reschedule(data, booking_id):
    """Move a booking to another day or time of day.

    Who: its booker, beneficiary or her managers; staff of its grid. The volunteer is told and may
    decline.

    - 403: the caller is its volunteer.
    - 404: no such booking, or the caller may not see it.
    - 409: it has started, or is already over.
    - 422: a date in the past, or an unknown period."""
    return _act(booking_id, Action.reschedule, **data)


@blp.post("/bookings/<int:booking_id>/no-show")
@blp.doc(operationId="reportNoShow")
@blp.arguments(NoteSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def no_show(data, booking_id):
    """The accepted volunteer did not come: the grid workers are told.

    Who: its booker, beneficiary or her managers; staff of its grid.

    - 403: the caller is its volunteer.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not accepted.
    - 422: the note is too long."""
    return _act(booking_id, Action.no_show, **data)


@blp.post("/bookings/<int:booking_id>/assign")
@blp.doc(operationId="assignBooking")
@blp.arguments(AssignSchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def assign(data, booking_id):
    """Hand-over (交): hand a request to a chosen volunteer, who accepts or declines.

    Who: grid workers of its grid and the office.

    - 403: the caller is not staff.
    - 404: no such booking, or the caller may not see it.
    - 409: it is not requested.
    - 422: no such volunteer, one without the request's skill, or one outside the request's grid
      without a `reason`."""
    return _act(booking_id, Action.assign, **data)


@blp.post("/bookings/<int:booking_id>/paid")
@blp.doc(operationId="markBookingPaid")
@blp.arguments(EmptySchema)
@blp.response(200, BookingSchema)
@blp.errors(*ACTION_ERRORS)
@login_required
def paid(data, booking_id):
    """The money was paid at the door (cash or a QR code).

    Who: its people, its volunteer, staff of its grid.

    - 403: the caller may see it but may not mark it (a candidate volunteer).
    - 404: no such booking, or the caller may not see it.
    - 409: the job is not done yet (not completed, confirmed or disputed).
    - 422: the body is not an empty object."""
    return _act(booking_id, Action.paid)


@blp.post("/bookings/<int:booking_id>/photos")
@blp.doc(operationId="addBookingPhoto")
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(400, 401, 403, 404, 409, 422, 429)
@photo_uploads
@login_required
def add_photo(data, booking_id):
    """Attach a photo of the problem (multipart, field `photo`): JPEG or PNG.

    Who: its booker, beneficiary or her managers; staff of its grid. Location data is removed.
    The answer's `url` serves it (`getBookingPhoto`).

    - 403: the caller may see it but may not add photos (its volunteer).
    - 404: no such booking, or the caller may not see it.
    - 409: it already has three photos, or it is over.
    - 422: not a JPEG or PNG, over 10 MB, a JPEG over 50 megapixels or in over 32 scans, a PNG
      over 10 megapixels or over 8 bits a channel (checked before decoding).
    - 429: over 30 uploads in an hour by this account (booking and concern photos together)."""
    upload = data["photo"]
    if not hasattr(upload, "stream"):
        raise ValidationFailed(fields={"photo": [_("Choose a JPEG or PNG photo.")]})
    try:
        raw = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    (clean,) = clean_uploads([raw])  # decoded before any write: no lock held meanwhile
    user = me()
    photo = photos.add_photo(user, booking_id, clean)
    return {"id": photo.id, "url": _photo_url(booking_id, photo.id)}


@blp.get("/bookings/<int:booking_id>/photos/<int:photo_id>")
@blp.doc(operationId="getBookingPhoto")
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
    """One photo of a booking (JPEG or PNG), never cached.

    Who: those who may see the booking's photos: its people, its volunteer and candidates of an
    open request, staff of its grid.

    - 404: no such photo, or the caller may not see it."""
    if photo_id > MAX_ID:
        raise NotFound()  # beyond any id the database can hold
    photo = photos.photo_for(me(), booking_id, photo_id)
    response = current_app.response_class(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
