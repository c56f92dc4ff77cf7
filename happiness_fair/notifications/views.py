"""My notifications on the phone, in my language; opening one marks it read."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale

from ..web import me, page_number, pages_for, signed_in
from . import service

bp = Blueprint("notifications_web", __name__)

PER_PAGE = 20


@bp.get("/notifications")
@signed_in
def notifications():
    page = page_number()
    rows, total = service.notifications_for(
        me().id, unread_only=False, page=page, per_page=PER_PAGE
    )
    categories, locale = service.category_map(), str(get_locale() or "zh_CN")
    phones = service.phones_for(me(), rows)
    items = [(row, service.render(row, categories, locale, phones.get(row.id))) for row in rows]
    return render_template(
        "notifications/list.html",
        items=items,
        page=page,
        pages=pages_for(total, PER_PAGE),
        unlinked=service.UNLINKED,
    )


@bp.post("/notifications/<int:notification_id>/open")
@signed_in
def open_one(notification_id: int):
    row = service.mark_read(me().id, notification_id)
    if row.kind in service.UNLINKED:  # the job is another volunteer's now: his hours
        return redirect(url_for("my_hours.page"), code=303)
    if row.booking_id:
        return redirect(url_for("bookings_web.booking", booking_id=row.booking_id), code=303)
    if row.kind == "manager_invitation":
        return redirect(url_for("family_web.family"), code=303)
    if row.concern_id:
        return redirect(url_for("concerns_web.concern", concern_id=row.concern_id), code=303)
    return redirect(url_for(".notifications"), code=303)


@bp.post("/notifications/read-all")
@signed_in
def read_all():
    service.mark_all_read(me().id)
    return redirect(url_for(".notifications"), code=303)
