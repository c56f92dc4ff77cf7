"""Fair-day pages: the residents' page (also the A4 poster), the volunteer's stall page, and
the office's pages to schedule days and confirm attendance. The same services as the API."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..accounts import service as accounts
from ..bookings import access as booking_access
from ..bookings import raising
from ..catalogue import service as catalogue
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..forms import kept_input, load_form
from ..places import service as places
from ..validation import whole_number
from ..web import attempt, done, me, signed_in
from . import reading, rules, service
from .schemas import (
    FairBookingForm,
    FairDayCancelSchema,
    FairDayForm,
    StallForm,
    StallWithdrawSchema,
    WalkInForm,
)

bp = Blueprint("fairs", __name__, url_prefix="/fairs")

# A fair-day form refused: the page again with the messages, at the refusal's status.
REFUSED = (ValidationFailed, Conflict, Forbidden)


# --- residents: the list and the fair-day page (also the poster) -------------------------------


@bp.get("/")
def index():
    """The coming fair days of the caller's community (or ?community_id= for anyone)."""
    community_id = request.args.get("community_id", type=int)
    user = me()
    if community_id is None and user is not None:
        community_id = user.community_id
    days = []
    if community_id is not None:
        days, _total = service.fair_days(community_id, upcoming=True, page=1, per_page=50)
    return render_template("fairs/index.html", days=days)


def _fair_day_page(fair_day, *, form=None, errors=None, status=200):
    views = [] if fair_day.cancelled else service.stalls_of(fair_day, kept=True)
    people, volunteer = [], None
    user = me()
    if user is not None and user.community_id == fair_day.community_id:
        own = accounts.own_resident(user)
        people = ([own] if own else []) + accounts.household(user)
        volunteer = catalogue.volunteer_of(user)
    grid = reading.grid_of(fair_day)
    return (
        render_template(
            "fairs/day.html",
            fair_day=fair_day,
            grid=grid,
            views=views,
            people=people,
            volunteer=volunteer,
            names={v.stall.id: catalogue.name_shown_to(me(), v.volunteer) for v in views},
            form=form or {},
            errors=errors or {},
            hhmm=rules.hhmm,
            booked=request.args.get("booked", type=int),
        ),
        status,
    )


@bp.get("/<int:fair_day_id>")
def day(fair_day_id):
    """Stalls and free slots, a booking form under each stall; printed, an A4 poster."""
    return _fair_day_page(service.get_fair_day(fair_day_id))


@bp.post("/<int:fair_day_id>/book")
@signed_in
def book(fair_day_id):
    """Take a seat in a slot: the same create_booking as POST /api/v1/bookings."""
    fair_day = service.get_fair_day(fair_day_id)
    data, errors = load_form(FairBookingForm)

    def take_seat():
        slot = rules.parse_hhmm(data["slot_start"])
        period = rules.period_of(slot) if slot else None
        try:
            return raising.create_booking(
                me(),
                {
                    "listing_id": data["listing_id"],
                    "beneficiary_id": data.get("beneficiary_id"),
                    "mode": "fair",
                    "fair_day_id": fair_day.id,
                    "slot_start": data["slot_start"],
                    "date": fair_day.date,
                    "period": str(period or "morning"),
                    "description": data["description"],
                },
            )
        except NotFound:
            abort(404)

    return attempt(
        take_seat,
        errors=errors,
        refusals=REFUSED,
        again=lambda errors, status: _fair_day_page(
            fair_day, form=kept_input(), errors=errors, status=status
        ),
        then=lambda booking: done(
            _(
                "Booked: %(slot)s on %(date)s. The volunteer expects you.",
                slot=data["slot_start"],
                date=fair_day.date.isoformat(),
            ),
            url_for("fairs.day", fair_day_id=fair_day.id, booked=booking.id),
        ),
    )


# --- volunteers: sign up a stall, record walk-ins ----------------------------------------------


def _volunteer_page(fair_day, *, form=None, errors=None, status=200):
    user = me()
    volunteer = catalogue.volunteer_of(user)
    services = service.services_at_stalls(user, fair_day)
    listings = service.listings_to_sign_up(volunteer, services)
    # Names of the people who booked a seat: only within his window (bookings/access.py).
    viewer = booking_access.viewer_of(user)
    names = service.beneficiary_names(
        [b for s in services for b, _slot in s.bookings if booking_access.sees_private(viewer, b)]
    )
    return (
        render_template(
            "fairs/volunteer.html",
            fair_day=fair_day,
            volunteer=volunteer,
            listings=listings,
            services=services,
            names=names,
            form=form or {},
            errors=errors or {},
            hhmm=rules.hhmm,
            categories={c.id: c for c in catalogue.categories()},
            still_ahead=service.still_ahead(fair_day),
            held=service.held(fair_day),
        ),
        status,
    )


def _own_fair_day(fair_day_id):
    try:
        return service.fair_day_of_community(me(), fair_day_id)
    except NotFound:
        abort(404)


@bp.get("/<int:fair_day_id>/stall")
@signed_in
def volunteer(fair_day_id):
    """The volunteer's page for the day: sign up a stall; on the day, record walk-ins."""
    return _volunteer_page(_own_fair_day(fair_day_id))


@bp.post("/<int:fair_day_id>/stall")
@signed_in
def sign_up(fair_day_id):
    fair_day = _own_fair_day(fair_day_id)
    data, errors = load_form(StallForm)
    return _stall_form(
        fair_day,
        lambda: service.sign_up_stall(me(), fair_day.id, data),
        errors,
        _("Your stall is signed up."),
    )


def _stall_form(fair_day, act, errors: dict, message, *, keep: bool = True):
    """The stall page's forms: refused, the page again (with what was typed, if `keep`); done,
    back to it saying `message`."""

    def again(errors: dict, status: int):
        form = kept_input() if keep else None
        return _volunteer_page(fair_day, form=form, errors=errors, status=status)

    return attempt(
        act,
        errors=errors,
        refusals=REFUSED,
        again=again,
        then=lambda _result: done(message, url_for("fairs.volunteer", fair_day_id=fair_day.id)),
    )


@bp.post("/<int:fair_day_id>/stalls/<int:stall_id>/withdraw")
@signed_in
def withdraw(fair_day_id, stall_id):
    """The volunteer withdraws his stall: its booked residents are told, their seats cancelled."""
    fair_day = _own_fair_day(fair_day_id)
    data, errors = load_form(StallWithdrawSchema)
    reason = data.get("reason", "")
    return _stall_form(
        fair_day,
        lambda: service.withdraw_stall(me(), fair_day.id, stall_id, reason),
        errors,
        _("Your stall is withdrawn. The residents who booked have been told."),
        keep=False,
    )


@bp.post("/<int:fair_day_id>/walk-ins")
@signed_in
def walk_in(fair_day_id):
    fair_day = _own_fair_day(fair_day_id)
    data, errors = load_form(WalkInForm)
    return _stall_form(
        fair_day,
        lambda: service.record_walk_in(me(), fair_day.id, data),
        errors,
        _("Walk-in recorded."),
    )


# --- the office: schedule days, confirm attendance -----------------------------------------------


def _office():
    user = me()
    if not user.is_office:
        abort(403)
    return user


def _office_page(*, form=None, errors=None, status=200):
    user = _office()
    days, _total = service.fair_days(user.community_id, upcoming=False, page=1, per_page=50)
    grids = places.grids_of(user.community_id)
    return (
        render_template(
            "fairs/office.html",
            days=days,
            grids=list(grids),
            form=form or {"starts_at": "09:00", "ends_at": "11:30", "slot_minutes": "30"},
            errors=errors or {},
            hhmm=rules.hhmm,
            still_ahead=service.still_ahead,
        ),
        status,
    )


@bp.get("/office")
@signed_in
def office():
    """The office schedules fair days and opens each one to confirm attendance."""
    return _office_page()


@bp.post("/office")
@signed_in
def schedule():
    user = _office()
    data, errors = load_form(FairDayForm)
    return attempt(
        lambda: service.schedule(user, data),
        errors=errors,
        refusals=REFUSED,
        again=lambda errors, status: _office_page(form=kept_input(), errors=errors, status=status),
        then=lambda fair_day: done(
            _("The fair day is scheduled."), url_for("fairs.day", fair_day_id=fair_day.id)
        ),
    )


@bp.route("/<int:fair_day_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(fair_day_id):
    """The office calls a fair day off, with a reason that every booked resident and stall
    volunteer is told."""
    user = _office()
    fair_day = _own_fair_day(fair_day_id)

    def page(form: dict, errors: dict, status: int = 200):
        html = render_template(
            "fairs/cancel.html", fair_day=fair_day, form=form, errors=errors, hhmm=rules.hhmm
        )
        return html, status

    if request.method == "GET":
        return page({}, {})
    data, errors = load_form(FairDayCancelSchema)
    return attempt(
        lambda: service.cancel_fair_day(user, fair_day.id, data["reason"]),
        errors=errors,
        refusals=REFUSED,
        again=lambda errors, status: page(kept_input(), errors, status),
        then=lambda _day: done(
            _("The fair day is cancelled. Everyone booked has been told."),
            url_for("fairs.office"),
        ),
    )


def _attendance_page(fair_day, *, errors=None, status=200):
    volunteers: dict[int, dict] = {}
    for view in service.stalls_of(fair_day, kept=True):  # a withdrawn stall kept no duty
        person = volunteers.setdefault(
            view.volunteer.id, {"id": view.volunteer.id, "name": view.volunteer.name, "titles": []}
        )
        person["titles"].append(view.listing.title)
    posted = request.method == "POST"
    return (
        render_template(
            "fairs/attendance.html",
            fair_day=fair_day,
            form=request.form if posted else {},
            ticked=request.form.getlist("volunteer_ids") if posted else [],
            volunteers=list(volunteers.values()),
            attended=service.attendance_of(fair_day),
            held=service.held(fair_day),
            errors=errors or {},
            hhmm=rules.hhmm,
        ),
        status,
    )


@bp.get("/<int:fair_day_id>/attendance")
@signed_in
def attendance(fair_day_id):
    _office()
    return _attendance_page(_own_fair_day(fair_day_id))


@bp.post("/<int:fair_day_id>/attendance")
@signed_in
def confirm(fair_day_id):
    user = _office()
    fair_day = _own_fair_day(fair_day_id)
    errors: dict[str, list[str]] = {}
    volunteer_ids = []
    for raw in request.form.getlist("volunteer_ids"):
        if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
            volunteer_ids.append(int(raw))
    corrections = []
    for volunteer_id in volunteer_ids:
        raw = (request.form.get(f"minutes_{volunteer_id}") or "").strip()
        if not raw:
            continue
        minutes = whole_number(raw)
        if minutes is None or not 1 <= minutes <= 720:
            errors[f"minutes_{volunteer_id}"] = [_("Enter a number from 1 to 720.")]
        elif minutes != fair_day.window_minutes:
            corrections.append({"volunteer_id": volunteer_id, "minutes": minutes})
    if not volunteer_ids:
        errors["volunteer_ids"] = [_("Tick the volunteers who kept their stall.")]
    return attempt(
        lambda: service.confirm_attendance(
            user, fair_day.id, {"volunteer_ids": volunteer_ids, "corrections": corrections}
        ),
        errors=errors,
        refusals=REFUSED,
        again=lambda errors, status: _attendance_page(fair_day, errors=errors, status=status),
        then=lambda created: done(
            ngettext(
                "Duty hours recorded for %(num)d volunteer.",
                "Duty hours recorded for %(num)d volunteers.",
                len(created),
            ),
            url_for("fairs.attendance", fair_day_id=fair_day.id),
        ),
    )
