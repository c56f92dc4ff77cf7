"""A resident's bookings on the phone: the booking form with its live quote, her bookings, one
booking with its timeline, and the moves she may make. The same services as the API: the form
calls create_booking(), every button is asked of can(), every move goes through transition().
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import service as accounts
from ..accounts.limits import photo_uploads, photos_sent
from ..catalogue import service as catalogue
from ..errors import Conflict, NotFound, ValidationFailed
from ..forms import kept_input, load_form
from ..notifications.service import PERIOD_NAMES
from ..places import clock
from ..validation import whole_number
from ..web import attempt, done, me, page_number, pages_for, signed_in
from . import (
    access,
    contact,
    fees,
    job_views,
    move_pages,
    moving,
    photos,
    pricing,
    raising,
    reading,
    staff_moves,
)
from .models import MAX_PHOTOS
from .move_pages import MovePage
from .photos import MAX_BYTES, CleanPhoto, clean_uploads, photo_form_body
from .rules import Action, BookingStatus, Relation
from .schemas import (
    STATUSES,
    BookingDetailsSchema,
    ConfirmSchema,
    DisputeSchema,
    EmptySchema,
    NewBookingSchema,
    NoteSchema,
    ReasonSchema,
    RescheduleSchema,
)

bp = Blueprint("bookings_web", __name__)
bp.url_value_preprocessor(photo_form_body("bookings_web.create"))
# The fee-waiver code the quote and the office's rules page name, from fees, never spelled out.
bp.add_app_template_global(fees.AGE_80, "AGE_80")

PER_PAGE = 20

# What a resident (the booker, the person served or her manager) may do, one page each.
RESIDENT_MOVES = {
    "confirm": MovePage(
        Action.confirm,
        ConfirmSchema,
        _l("Confirm the job is done"),
        _l("Thank you. The job is confirmed."),
    ),
    "dispute": MovePage(
        Action.dispute,
        DisputeSchema,
        _l("The job was not done"),
        _l("Your grid worker has been told and will call you."),
    ),
    "reschedule": MovePage(
        Action.reschedule,
        RescheduleSchema,
        _l("Change the day"),
        _l("The day is changed. The volunteer has been told."),
    ),
    "no-show": MovePage(
        Action.no_show,
        NoteSchema,
        _l("The volunteer did not come"),
        _l("Your grid worker has been told and will follow it up."),
    ),
    "cancel": MovePage(
        Action.cancel, ReasonSchema, _l("Cancel this booking"), _l("The booking is cancelled.")
    ),
    "paid": MovePage(Action.paid, EmptySchema, _l("I have paid"), _l("Marked as paid.")),
}
# The same moves made by her grid worker or the office on her word: their titles in the third
# person (the moves, their rules and their pages are hers).
FOR_HER_TITLES = {
    "dispute": _l("She says the job was not done"),
    "no-show": _l("She says the volunteer did not come"),
    "paid": _l("She has paid"),
}
EVENT_NAMES = {
    "create": _l("Request raised"),
    "accept": _l("Job accepted"),
    "decline": _l("The volunteer cannot come; open to other volunteers"),
    "start": _l("Work started"),
    "complete": _l("Work completed"),
    "confirm": _l("Confirmed"),
    "dispute": _l("Reported as not done"),
    "resolve_confirm": _l("Settled: the job counts as done"),
    "resolve_reopen": _l("Settled: open again for another volunteer"),
    "cancel": _l("Cancelled"),
    "reschedule": _l("Day changed"),
    "no_show": _l("Volunteer did not come (reported)"),
    "assign": _l("Handed to a volunteer"),
    "follow_up": _l("Follow-up call"),
    "paid": _l("Marked as paid"),
    "escalate": _l("Not taken up for 24 hours: the grid was told"),
    access.EDIT: _l("Phone or door note changed"),
    "requote": _l("Price updated"),
}


# A follow-up call's note begins with its outcome code ("solved: …", followups.service): shown
# to people in words.
FOLLOW_UP_OUTCOMES = {
    "solved": _l("Solved"),
    "partly": _l("Partly solved"),
    "not_solved": _l("Not solved"),
    "unreachable": _l("Could not reach them"),
}


@bp.app_template_global()
def event_note(event) -> str:
    """An event's note as the timeline shows it: a follow-up's outcome and a new period in words."""
    note = event.note or ""
    if event.action == "reschedule":  # "2026-12-09 afternoon": the new day and its period
        day, _sep, period = note.partition(" ")
        if period in PERIOD_NAMES:
            return f"{day} {PERIOD_NAMES[period]}"
        return note
    if event.action != "follow_up":
        return note
    code, _sep, rest = note.partition(": ")
    if code not in FOLLOW_UP_OUTCOMES:
        return note
    outcome = str(FOLLOW_UP_OUTCOMES[code])
    return _("%(outcome)s: %(note)s", outcome=outcome, note=rest) if rest else outcome


@bp.app_template_global()
def status_name(status) -> str:
    return str(access.STATUS_NAMES[BookingStatus(status)])


@bp.app_template_global()
def period_name(period) -> str:
    name = str(PERIOD_NAMES.get(str(period), period))
    return name[:1].upper() + name[1:]


@bp.app_template_global()
def event_name(action: str) -> str:
    return str(EVENT_NAMES.get(action, action))


# --- the booking form --------------------------------------------------------------------


def _people(user, chosen=None) -> list:
    """Who this person can book for: herself (with an address here) and those she manages;
    for a grid worker or the office also the resident of their grids chosen (?for=)."""
    text = str(chosen or "").strip()
    return accounts.people_to_book_for(user, whole_number(text))


def _listing(value) -> object | None:
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return catalogue.visible_listing(me(), int(text))
    except NotFound:
        return None


def preview_quote(beneficiary, listing, day: date) -> dict:
    """The quote the booking would get now: the same rules in force and the same quote_booking()
    that create_booking() uses."""
    snapshot = fees.rules_to_snapshot(pricing.waiver_rules_in_force(beneficiary.community_id))
    return pricing.quote_booking(
        beneficiary,
        snapshot,
        labour_fee_fen=listing.fee_fen if listing is not None else 0,
        materials_fen=0,
        service_date=day,
    )


def _quote_for_form(people, form: dict, listing) -> dict | None:
    chosen = next((p for p in people if str(p.id) == str(form.get("beneficiary_id", ""))), None)
    try:
        day = date.fromisoformat(str(form.get("date", "")))
    except ValueError:
        return None
    if chosen is None or day < clock.today():
        return None
    return preview_quote(chosen, listing, day)


def _form_context(user, form: dict, errors: dict) -> dict:
    people = _people(user, form.get("beneficiary_id"))
    listing = _listing(form.get("listing_id"))
    if "beneficiary_id" not in form and people:
        form["beneficiary_id"] = str(people[0].id)
    form.setdefault("date", (clock.today() + timedelta(days=1)).isoformat())
    form.setdefault("period", "morning")
    form.setdefault("request_key", secrets.token_urlsafe(16))
    return {
        "form": form,
        "errors": errors,
        "people": people,
        "own": accounts.own_resident(user),
        "listing": listing,
        "categories": catalogue.categories(),
        "quote": _quote_for_form(people, form, listing),
        "today": clock.today().isoformat(),
        "max_photos": MAX_PHOTOS,
    }


@bp.get("/book")
@signed_in
def book():
    form = {}
    if request.args.get("listing"):
        form["listing_id"] = request.args["listing"]
    elif request.args.get("category"):
        chosen = next(
            (c for c in catalogue.categories() if c.code == request.args["category"]), None
        )
        if chosen is not None:
            form["category_id"] = str(chosen.id)
    if request.args.get("for"):
        form["beneficiary_id"] = request.args["for"]
    return render_template("bookings/book.html", **_form_context(me(), form, {}))


@bp.get("/book/quote")
@signed_in
def quote():
    """The price as the form changes (htmx); the same fragment the form page includes."""
    people = _people(me(), request.args.get("beneficiary_id"))
    listing = _listing(request.args.get("listing_id"))
    return render_template(
        "bookings/_quote.html", quote=_quote_for_form(people, request.args, listing)
    )


def _photos_sent() -> tuple[list[CleanPhoto], dict]:
    """The chosen photos, checked and re-encoded before anything is written (no lock held)."""
    uploads = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(uploads) > MAX_PHOTOS:
        return [], {"photos": [_("Choose at most 3 photos.")]}
    raws = []
    for upload in uploads:
        try:
            raws.append(upload.stream.read(MAX_BYTES + 1))
        finally:
            upload.close()
    try:
        return clean_uploads(raws, "photos"), {}
    except ValidationFailed as err:
        return [], {k: [str(m) for m in v] for k, v in err.fields.items()}


@bp.post("/book")
@photo_uploads
@signed_in
def create():
    user = me()
    form = kept_input()
    if request.form.get("show_price"):  # without JavaScript: show the price, book nothing
        return render_template(
            "bookings/book.html", **_form_context(user, form, {}), photos_lost=photos_sent() > 0
        )
    data, errors = load_form(NewBookingSchema)
    cleaned, photo_errors = _photos_sent()

    def raise_request():
        booking = raising.create_booking(user, data, form.get("request_key") or None)
        for photo in cleaned:
            photos.add_photo(user, booking.id, photo)
        return booking

    def again(errors: dict, status: int):
        if "photo" in errors:  # the photos' field in the form is "photos"
            errors["photos"] = errors.pop("photo")
        context = _form_context(me(), form, errors)
        html = render_template("bookings/book.html", **context, photos_lost=photos_sent() > 0)
        return html, 422

    return attempt(
        raise_request,
        errors={**errors, **photo_errors},
        again=again,
        then=lambda booking: done(
            _("Your request is sent. You will be told when a volunteer takes it."),
            url_for(".booking", booking_id=booking.id),
        ),
    )


# --- my bookings and one booking ---------------------------------------------------------


@bp.get("/bookings")
@signed_in
def my_bookings():
    status = request.args.get("status") or None
    status = status if status in STATUSES else None
    page = page_number()
    viewer = access.viewer_of(me())
    items, total = reading.bookings_for(
        viewer, status=status, page=page, per_page=PER_PAGE, named=True
    )
    return render_template(
        "bookings/list.html",
        items=items,
        names=reading.names_for(items, viewer=viewer),
        status=status,
        statuses=STATUSES,
        page=page,
        pages=pages_for(total, PER_PAGE),
        total=total,
    )


def _booking_context(booking_id: int) -> dict:
    user = me()
    viewer = access.viewer_of(user)
    booking = reading.visible_booking(user, booking_id, viewer)
    # Staff who are not her own people act on her word: her moves read in the third person.
    for_her = Relation.party not in access.relations(viewer, booking)
    titles = move_pages.titles(RESIDENT_MOVES)
    if for_her:
        titles.update({slug: str(title) for slug, title in FOR_HER_TITLES.items()})
    return {
        "booking": booking,
        "for_her": for_her,
        "names": reading.names_for([booking], with_actors=True, viewer=viewer),
        "actions": move_pages.offered(RESIDENT_MOVES, viewer, booking),
        "can_edit": access.can(access.EDIT, user, booking, viewer),
        "contact": contact.volunteer_contact(viewer, booking),
        "quote": access.quote_for(viewer, booking),
        "private": access.sees_private(viewer, booking),
        "address": access.sees_address(viewer, booking),
        "photos": booking.photos if access.sees_photos(viewer, booking) else [],
        "me_id": user.id,
        "action_titles": titles,
        "grid_actions": staff_moves.offered_to_staff(viewer, booking),
        # Her volunteer's page of the same booking: his moves too, as on the job's page.
        "job_actions": job_views.volunteer_moves(viewer, booking),
        "job_titles": move_pages.titles(job_views.JOB_MOVES),
    }


@bp.get("/bookings/<int:booking_id>")
@signed_in
def booking(booking_id: int):
    return render_template("bookings/booking.html", **_booking_context(booking_id))


@bp.route("/bookings/<int:booking_id>/details", methods=["GET", "POST"])
@signed_in
def change_details(booking_id: int):
    """Fix the phone for the visit or the note on finding the door, until the work starts."""
    context = _booking_context(booking_id)  # 404 to anyone who may not see it
    booking = context["booking"]
    form = {"contact_phone": booking.contact_phone or "", "door_note": booking.door_note or ""}

    def page(form: dict, errors: dict, status: int = 200):
        html = render_template("bookings/details.html", form=form, errors=errors, **context)
        return html, status

    if request.method == "GET":
        if not context["can_edit"]:
            raise Conflict(_("This cannot be done now."))
        return page(form, {})
    data, errors = load_form(BookingDetailsSchema)
    data.setdefault("door_note", "")
    return attempt(
        lambda: moving.change_details(me(), booking_id, data),
        errors=errors,
        again=lambda errors, status: page(kept_input(), errors, status),
        then=lambda _booking: done(
            _("Saved. The volunteer has been told."), url_for(".booking", booking_id=booking_id)
        ),
    )


@bp.route(
    "/bookings/<int:booking_id>/<any(confirm, dispute, reschedule, 'no-show', cancel, paid):slug>",
    methods=["GET", "POST"],
)
@signed_in
def act(booking_id: int, slug: str):
    """One move per page: what it means, its few fields, one button. No pop-ups."""
    move = RESIDENT_MOVES[slug]
    context = _booking_context(booking_id)  # 404 to anyone who may not see it

    def page(form: dict, errors: dict, status: int = 200):
        html = render_template(
            "bookings/act.html",
            slug=slug,
            title=context["action_titles"][slug],
            form=form,
            errors=errors,
            today=clock.today().isoformat(),
            **context,
        )
        return html, status

    if request.method == "GET":
        if slug not in context["actions"]:
            raise Conflict(_("This cannot be done now."))
        booking = context["booking"]
        form = {}
        if booking.status in (BookingStatus.requested, BookingStatus.accepted):
            form = {"date": booking.date.isoformat(), "period": booking.period.value}
        return page(form, {})
    data, errors = load_form(move.schema)

    def again(errors: dict, status: int):
        context.update(_booking_context(booking_id))
        return page(kept_input(), errors, status)

    return attempt(
        lambda: move_pages.make(move, booking_id, me(), data),
        errors=errors,
        again=again,
        then=lambda _booking: done(move.done, url_for(".booking", booking_id=booking_id)),
    )
