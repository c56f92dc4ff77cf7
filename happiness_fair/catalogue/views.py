"""The catalogue on the phone: category tiles, search, one service. Same services as the API."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import versions
from ..accounts.security import me
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..forms import kept_input, load_form
from ..web import attempt, done, is_htmx, page_number, pages_for
from . import service, stats
from .models import Category, Volunteer
from .schemas import ListingWithdrawSchema

bp = Blueprint("catalogue_web", __name__)

PER_PAGE = 20


@bp.app_template_global()
def category_name(category: Category) -> str:
    return category.name_zh if get_locale().language == "zh" else category.name_en


@bp.app_template_global()
def volunteer_name(volunteer: Volunteer) -> str:
    """Full name only to those the catalogue's rule allows; else 沈**."""
    return service.name_shown_to(me(), volunteer)


@bp.app_template_global()
def star_level(volunteer: Volunteer) -> int:
    """His service-hours star level by the configured thresholds, as the API gives it."""
    return stats.stars_for(volunteer.verified_minutes)


@bp.get("/services")
@versions.conditional_get(versions.CATALOGUE)
def services():
    """Search and browse; with htmx only the results are sent back as the user types."""
    categories = service.categories()
    q = request.args.get("q", "").strip()[:50]
    code = request.args.get("category", "").strip()[:20]
    mode = request.args.get("mode", "")
    mode = mode if mode in ("home", "fair") else None
    chosen = next((c for c in categories if c.code == code), None)
    page = page_number()
    error = None
    try:
        items, total = service.catalogue(
            me(),
            category=chosen.code if chosen else None,
            mode=mode,
            q=q or None,
            page=page,
            per_page=PER_PAGE,
        )
    except DomainError as err:
        items, total, error = [], 0, err.text()
    context = {
        "categories": categories,
        "chosen": chosen,
        "q": q,
        "mode": mode,
        "items": items,
        "total": total,
        "page": page,
        "pages": pages_for(total, PER_PAGE),
        "error": error,
    }
    if is_htmx() and request.headers.get("HX-Target") == "results":
        return render_template("catalogue/_results.html", **context)
    return render_template("catalogue/services.html", **context)


@bp.get("/services/<int:listing_id>")
@versions.conditional_get(versions.CATALOGUE)
def listing(listing_id: int):
    try:
        item = service.visible_listing(me(), listing_id)
    except NotFound:
        if not service.listing_once_offered(listing_id):
            raise
        # Withdrawn or paused: say so kindly (410 Gone), and point to the other services.
        return render_template("catalogue/withdrawn.html"), 410
    return _listing_page(item)


def _listing_page(item, errors=None, form=None, status=200):
    category = next(c for c in service.categories() if c.id == item.category_id)
    viewer = me()
    can_withdraw = item.active and service.is_office_of(viewer, item.community_id)
    html = render_template(
        "catalogue/listing.html",
        listing=item,
        category=category,
        can_withdraw=can_withdraw,
        errors=errors or {},
        form=form or {},
    )
    return html, status


@bp.post("/services/<int:listing_id>/withdraw")
def withdraw(listing_id: int):
    """The office takes a listing out of the catalogue, with a reason its volunteer is told."""
    viewer = me()
    if viewer is None:
        abort(401)
    item = service.visible_listing(viewer, listing_id)
    data, errors = load_form(ListingWithdrawSchema)
    return attempt(
        lambda: service.withdraw_listing_by_office(viewer, item, data["reason"]),
        errors=errors,
        refusals=(Conflict, Forbidden),
        again=lambda errors, status: _listing_page(
            service.visible_listing(viewer, listing_id), errors, kept_input(), status
        ),
        then=lambda _listing: done(
            _("The service is withdrawn. Its volunteer has been told."),
            url_for(".listing", listing_id=listing_id),
        ),
    )
