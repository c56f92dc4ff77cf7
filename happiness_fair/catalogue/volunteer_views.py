"""A volunteer on his phone: applying, his record, his skills and his listings.

The same services as the API: apply()/update_own()/create_listing()/update_listing()/
withdraw_listing() for his record and services. His jobs are the bookings part's
(bookings/job_views.py).
"""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import Forbidden, NotFound, ValidationFailed, translate_fields
from ..extensions import db
from ..forms import fen_typed, kept_input, load_form, refusal_messages
from ..places import service as places
from ..web import attempt, done, me, signed_in
from . import record, service
from . import rules as catalogue_rules
from .models import VolunteerStatus
from .schemas import (
    ListingPatchSchema,
    NewListingSchema,
    VolunteerApplicationSchema,
    VolunteerRecordSchema,
)

bp = Blueprint("volunteer_web", __name__)

VOLUNTEER_STATUS_NAMES = {
    VolunteerStatus.pending: _l("waiting for the community office"),
    VolunteerStatus.approved: _l("approved"),
    VolunteerStatus.refused: _l("not accepted"),
    VolunteerStatus.suspended: _l("suspended"),
}


@bp.app_template_global()
def volunteer_status_name(status) -> str:
    return str(VOLUNTEER_STATUS_NAMES[VolunteerStatus(status)])


@bp.app_template_global()
def masked_name(name: str) -> str:
    return catalogue_rules.mask_name(name)


def _load(schema_cls, raw: dict) -> tuple[dict, dict]:
    """A dict already typed (lists of ids, fen) through the API's own schema."""
    try:
        return schema_cls(unknown=ma.EXCLUDE).load(raw), {}
    except ma.ValidationError as err:
        return {}, translate_fields(err.messages)


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isascii() and v.isdigit()][:50]


def _own_or_apply():
    volunteer = service.volunteer_of(me())
    if volunteer is None:
        return None, redirect(url_for(".apply"), code=303)
    return volunteer, None


# --- applying --------------------------------------------------------------------------------


def _apply_page(form: dict, errors: dict, status: int = 200):
    user = me()
    return (
        render_template(
            "volunteer/apply.html",
            form=form,
            errors=errors,
            categories=service.categories(),
            grids=places.grids_of(user.community_id),
        ),
        status,
    )


@bp.get("/volunteer/apply")
@signed_in
def apply():
    if service.volunteer_of(me()) is not None:
        return redirect(url_for(".overview"), code=303)
    return _apply_page({"bio": "", "category_ids": [], "grid_ids": []}, {})


@bp.post("/volunteer/apply")
@signed_in
def send_application():
    form = {
        "bio": request.form.get("bio", ""),
        "category_ids": _ids("category_ids"),
        "grid_ids": _ids("grid_ids"),
    }
    data, errors = _load(VolunteerApplicationSchema, form)
    return attempt(
        lambda: service.apply(me(), data),
        errors=errors,
        status=422,
        again=lambda errors, _status: _apply_page(form, errors, 422),
        then=lambda _volunteer: done(
            _("Thank you. The community office will look at your application."),
            url_for(".overview"),
        ),
    )


# --- his own page: status, listings, the public name -----------------------------------------


@bp.get("/volunteer")
@signed_in
def overview():
    volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    return render_template(
        "volunteer/overview.html",
        volunteer=volunteer,
        listings=service.own_listings(me()),
        categories={c.id: c for c in service.categories()},
    )


def _skills_page(form: dict, errors: dict, status: int = 200):
    volunteer = service.volunteer_of(me())
    return (
        render_template(
            "volunteer/skills.html",
            form=form,
            errors=errors,
            volunteer=volunteer,
            categories=service.categories(),
            grids=places.grids_of(me().community_id),
        ),
        status,
    )


@bp.route("/volunteer/skills", methods=["GET", "POST"])
@signed_in
def skills():
    """我的服务: change what he can do and the grids he serves after applying (PATCH
    /me/volunteer). Listings in a skill he drops leave the catalogue."""
    volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    if request.method == "GET":
        form = {
            "category_ids": volunteer.category_ids + volunteer.pending_category_ids,
            "grid_ids": volunteer.grid_ids + volunteer.pending_grid_ids,
        }
        return _skills_page(form, {})
    form = {"category_ids": _ids("category_ids"), "grid_ids": _ids("grid_ids")}
    data, errors = _load(VolunteerApplicationSchema, {**form, "bio": volunteer.bio})

    def then(_volunteer):
        if volunteer.has_pending_additions:
            return done(
                _(
                    "Saved. What you added waits for the community office's approval; "
                    "until then you keep the skills and grids already approved."
                ),
                url_for(".overview"),
            )
        return done(_("Saved. Your skills and grids are changed."), url_for(".overview"))

    return attempt(
        lambda: service.update_own(
            me(), {"category_ids": data["category_ids"], "grid_ids": data["grid_ids"]}
        ),
        errors=errors,
        status=422,
        again=lambda errors, _status: _skills_page(form, errors, 422),
        then=then,
    )


@bp.route("/volunteer/record", methods=["GET", "POST"])
@signed_in
def volunteer_record():
    """我的志愿者档案 (order 67 art. 5): the same service as PATCH /me/volunteer/record."""
    _volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    shown = record.own_record(me())

    def page(form: dict, errors: dict, status: int = 200):
        html = render_template(
            "volunteer/record.html", form=form, errors=errors, masked=shown["id_number"]
        )
        return html, status

    if request.method == "GET":
        form = {k: ("" if v is None else str(v)) for k, v in shown.items()}
        return page({**form, "id_number": ""}, {})
    data, errors = load_form(VolunteerRecordSchema)
    if not request.form.get("id_number", "").strip():
        data.pop("id_number", None)  # left empty: keep the number he gave before
    if request.form.get("remove_id_number") == "1":
        data["id_number"] = ""
    return attempt(
        lambda: record.update_own(me(), data),
        errors=errors,
        refusals=(ValidationFailed, Forbidden),
        status=422,
        again=lambda errors, _status: page(kept_input(), errors, 422),
        then=lambda _record: done(_("Your record is saved."), url_for(".overview")),
    )


@bp.post("/volunteer/name")
@signed_in
def choose_name():
    """Whether the public honour board and the catalogue show his full name or 沈**."""
    choice = request.form.get("show_full_name")
    if choice not in ("0", "1"):
        flash(_("Choose how your name is shown."), "error")
        return redirect(url_for(".overview"), code=303)
    service.update_own(me(), {"show_full_name": choice == "1"})
    flash(_("Saved. The honour board shows your name this way."), "success")
    return redirect(url_for(".overview"), code=303)


def _listing_form_data(errors: dict) -> dict:
    data = {
        "category_id": request.form.get("category_id", "").strip(),
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
        "duration_minutes": request.form.get("duration_minutes", "").strip(),
        "modes": [m for m in request.form.getlist("modes") if m in ("home", "fair")],
    }
    for key in ("category_id", "duration_minutes"):
        if data[key].isascii() and data[key].isdigit():
            data[key] = int(data[key])
        elif data[key] == "":
            data.pop(key)
    fee = fen_typed("fee_yuan", errors, required=True)
    if fee is not None:
        data["fee_fen"] = fee
    return data


def _listing_page(volunteer, form: dict, errors: dict, listing=None, status: int = 200):
    skills = volunteer.categories
    return (
        render_template(
            "volunteer/listing_form.html",
            form=form,
            errors=errors,
            skills=skills,
            listing=listing,
        ),
        status,
    )


@bp.route("/volunteer/listings/new", methods=["GET", "POST"])
@signed_in
def new_listing():
    volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    if not volunteer.is_approved:
        raise Forbidden(_("Only approved volunteers can publish services."))
    if request.method == "GET":
        form = {"modes": ["home"], "duration_minutes": "30", "fee_yuan": "0"}
        if volunteer.categories:
            form["category_id"] = str(volunteer.categories[0].id)
        return _listing_page(volunteer, form, {})
    errors: dict = {}
    raw = _listing_form_data(errors)
    data, schema_errors = _load(NewListingSchema, raw)
    return attempt(
        lambda: service.create_listing(me(), data),
        errors={**errors, **schema_errors},
        refusals=(ValidationFailed, Forbidden),
        again=_listing_again(volunteer),
        then=lambda _listing: done(_("Your service is in the catalogue."), url_for(".overview")),
    )


def _listing_again(volunteer, listing=None):
    """The listing form refused: shown again with what he typed and chose (422)."""

    def again(errors: dict, _status: int):
        kept = {**kept_input(), "modes": request.form.getlist("modes")}
        return _listing_page(volunteer, kept, errors, listing, 422)

    return again


def _own_listing(listing_id: int):
    listing = service.visible_listing(me(), listing_id)
    if not service.is_himself(me(), listing.volunteer):
        raise NotFound()
    return listing


@bp.route("/volunteer/listings/<int:listing_id>", methods=["GET", "POST"])
@signed_in
def edit_listing(listing_id: int):
    listing = _own_listing(listing_id)
    volunteer = listing.volunteer
    if request.method == "GET":
        form = {
            "category_id": str(listing.category_id),
            "title": listing.title,
            "description": listing.description,
            "fee_yuan": f"{listing.fee_fen // 100}.{listing.fee_fen % 100:02d}",
            "duration_minutes": str(listing.duration_minutes),
            "modes": listing.modes,
        }
        return _listing_page(volunteer, form, {}, listing)
    errors: dict = {}
    raw = _listing_form_data(errors)
    data, schema_errors = _load(ListingPatchSchema, raw)
    errors.update(schema_errors)
    if not raw.get("modes") and "modes" not in errors:
        errors["modes"] = [_("Choose home visit, fair stall or both.")]
    return attempt(
        lambda: service.update_listing(me(), listing, data),
        errors=errors,
        refusals=(ValidationFailed, Forbidden),
        again=_listing_again(volunteer, listing),
        then=lambda _listing: done(_("Your service is changed."), url_for(".overview")),
    )


@bp.post("/volunteer/listings/<int:listing_id>/pause")
@signed_in
def pause_listing(listing_id: int):
    listing = _own_listing(listing_id)
    service.withdraw_listing(me(), listing)
    flash(_("Paused: “%(title)s” is out of the catalogue.", title=listing.title), "success")
    return redirect(url_for(".overview"), code=303)


@bp.post("/volunteer/listings/<int:listing_id>/resume")
@signed_in
def resume_listing(listing_id: int):
    listing = _own_listing(listing_id)
    try:
        service.update_listing(me(), listing, {"active": True})
    except (ValidationFailed, Forbidden) as err:
        db.session.rollback()
        flash(
            err.text()
            if not err.fields
            else " ".join(refusal_messages(err).get("category_id", [])),
            "error",
        )
    else:
        flash(_("“%(title)s” is back in the catalogue.", title=listing.title), "success")
    return redirect(url_for(".overview"), code=303)
