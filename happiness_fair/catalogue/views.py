"""The catalogue on the phone: category tiles, search, one service. Same services as the API."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from .. import versions
from ..errors import DomainError
from ..hours import rules as hours_rules
from ..web import is_htmx, page_number
from . import service
from .models import Category, Volunteer

bp = Blueprint("catalogue_web", __name__)

PER_PAGE = 20


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.app_template_global()
def category_name(category: Category) -> str:
    return category.name_zh if get_locale().language == "zh" else category.name_en


@bp.app_template_global()
def volunteer_name(volunteer: Volunteer) -> str:
    """Full name only to those the catalogue's rule allows; else 沈**."""
    if service.sees_full_name(_viewer(), volunteer):
        return volunteer.name
    return hours_rules.mask_name(volunteer.name)


@bp.app_template_global()
def star_level(volunteer: Volunteer) -> int:
    return hours_rules.star_level(volunteer.verified_minutes)


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
            _viewer(),
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
        "pages": max(1, -(-total // PER_PAGE)),
        "error": error,
    }
    if is_htmx() and request.headers.get("HX-Target") == "results":
        return render_template("catalogue/_results.html", **context)
    return render_template("catalogue/services.html", **context)


@bp.get("/services/<int:listing_id>")
@versions.conditional_get(versions.CATALOGUE)
def listing(listing_id: int):
    item = service.visible_listing(_viewer(), listing_id)
    category = next(c for c in service.categories() if c.id == item.category_id)
    return render_template("catalogue/listing.html", listing=item, category=category)
