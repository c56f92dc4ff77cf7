"""Telling people what happened to a booking, and reading it back in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..accounts.events import manager_invited
from ..database import page_of, utcnow
from ..errors import NotFound
from ..extensions import db
from .models import Notification

# Only the kind and its parameters are stored; the text is made when it is read, so a Chinese
# reader and an English reader see the same record in their own language.
MESSAGES = {
    "request_for_you": _l("You have a new request: %(category)s on %(date)s, %(period)s."),
    "booking_cancelled": _l("The job on %(date)s (%(category)s) was cancelled."),
    "booking_details_changed": _l(
        "The phone number or the note on finding the door changed for the job of %(date)s "
        "(%(category)s). Please look at it again."
    ),
    "booking_rescheduled": _l("The job (%(category)s) was moved to %(date)s, %(period)s."),
    "job_reminder": _l("Reminder: tomorrow, %(date)s, %(period)s, you have a job: %(category)s."),
    "booking_accepted": _l("%(volunteer)s accepted your request (%(category)s) for %(date)s."),
    "booking_declined": _l(
        "%(volunteer)s cannot take your request (%(category)s); it is open to other volunteers."
    ),
    "booking_started": _l("%(volunteer)s has started the job (%(category)s)."),
    "booking_completed": _l(
        "%(volunteer)s has finished the job (%(category)s). Please confirm and rate it."
    ),
    "booking_auto_confirmed": _l(
        "The job (%(category)s) of %(date)s was confirmed automatically after 7 days."
    ),
    "booking_escalated": _l(
        "Nobody has taken request no. %(booking)s (%(category)s, %(date)s) for 24 hours."
    ),
    "booking_no_show": _l(
        "The volunteer did not come for request no. %(booking)s (%(category)s, %(date)s)."
    ),
    "booking_disputed": _l("Job no. %(booking)s (%(category)s) is disputed: %(reason)s"),
    "dispute_settled_done": _l(
        "The dispute over job no. %(booking)s (%(category)s) is settled: the job counts as "
        "done. The office's note: %(note)s"
    ),
    "dispute_settled_not_done": _l(
        "Job no. %(booking)s (%(category)s) was found not done: its hours are not counted and "
        "it is open for another volunteer. The office's note: %(note)s"
    ),
    "hours_correction_accepted": _l(
        "Your correction was accepted: the record of %(date)s now shows %(minutes)s minutes."
    ),
    "hours_correction_rejected": _l(
        "Your correction of the record of %(date)s was not accepted: %(note)s"
    ),
    "fair_slot_booked": _l(
        "A seat at your fair-day stall was booked: %(category)s on %(date)s, %(period)s."
    ),
    "fair_slot_reminder": _l(
        "Reminder: tomorrow, %(date)s, at %(slot)s, you have a slot at the fair day at "
        "%(venue)s (%(category)s)."
    ),
    "fair_stall_reminder": _l(
        "Reminder: tomorrow, %(date)s, from %(starts)s to %(ends)s, you keep a stall at the fair "
        "day at %(venue)s. Seats booked so far: %(booked)s."
    ),
    "manager_invitation": _l(
        "%(inviter)s invites you to book for %(name)s. Answer it on your Family page."
    ),
    "resident_closed_moved": _l(
        "%(name)s has moved away and her record is closed. Open bookings cancelled: %(count)s."
    ),
    "resident_closed_passed_away": _l(
        "We are sorry: %(name)s has passed away and her record is closed. Open bookings "
        "cancelled: %(count)s."
    ),
    "resident_closed": _l("The record of %(name)s is closed. Open bookings cancelled: %(count)s."),
    "fair_booking_cancelled": _l(
        "Your fair-day slot (%(category)s, %(date)s) is cancelled: %(reason)s"
    ),
    "fair_day_cancelled": _l("The fair day of %(date)s at %(venue)s is cancelled: %(reason)s"),
    "listing_withdrawn": _l("The community office withdrew your service “%(title)s”: %(reason)s"),
    "certificate_issued": _l(
        "Your volunteer service certificate no. %(serial)s is issued. You can print it from "
        "your hours page."
    ),
    "certificate_refused": _l("Your certificate request was not granted: %(reason)s"),
    "team_added": _l("You were added to the volunteer team “%(name)s”."),
    "volunteer_suspended": _l(
        "Your request (%(category)s) is open to other volunteers again: "
        "its volunteer can no longer take it."
    ),
    "concern_accepted": _l("The grid has taken up your concern no. %(concern)s."),
    "concern_handed_over": _l(
        "Your concern no. %(concern)s was handed to %(handler)s, to be done by %(due)s."
    ),
    "concern_done": _l(
        "Your concern no. %(concern)s is done (%(by)s). The grid will call to ask whether it "
        "really is."
    ),
    "concern_booking_made": _l(
        "For your concern no. %(concern)s a volunteer will come to your home on %(date)s, "
        "%(period)s (booking no. %(booking)s)."
    ),
    "concern_escalated": _l("Nobody has taken up concern no. %(concern)s for 24 hours."),
    "concern_overdue": _l(
        "Concern no. %(concern)s, handed to %(handler)s, is past its due date (%(due)s)."
    ),
}
KINDS = tuple(MESSAGES)

# A booking's part of the day (bookings.rules.Period) in words, as inside a sentence; pages
# capitalise it (period_name).
PERIOD_NAMES = {
    "morning": _l("morning"),
    "afternoon": _l("afternoon"),
    "evening": _l("evening"),
}


# Notices about a booking their reader may no longer open (a job a dispute found he had not
# done is another volunteer's now): the booking is named in the text, not linked.
UNLINKED = frozenset({"dispute_settled_not_done"})


def notify(user_id: int, kind: str, booking=None, *, concern=None, **params) -> Notification:
    """Record a notification in the current transaction (it is sent only if the act commits)."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    if booking is not None:
        params = {
            "booking": booking.id,
            "category_id": booking.category_id,
            "date": booking.date.isoformat(),
            "period": str(booking.period),
            **params,
        }
    if concern is not None:
        params = {"concern": concern.id, **params}
    row = Notification(
        user_id=user_id,
        kind=kind,
        booking_id=booking.id if booking is not None and kind not in UNLINKED else None,
        concern_id=concern.id if concern is not None else None,
        params=params,
    )
    db.session.add(row)
    return row


def on_manager_invited(invitation, *, owner, inviter: str, name: str) -> None:
    notify(owner.id, "manager_invitation", invitation=invitation.id, inviter=inviter, name=name)


def init_app(
    app,
    *,
    categories: Callable[[], Iterable[Any]],
    phones: Callable[[Any, Iterable[Notification]], dict[int, str]],
) -> None:
    """What a notification shows when read comes from the parts above this one, given here at
    start-up: the shared categories (catalogue), and for a reader and a page of notifications
    the volunteer's phone to add to those that name him, by the booking's rule now (bookings)."""
    app.extensions["notifications"] = {"categories": categories, "phones": phones}
    manager_invited.connect(on_manager_invited)


class _Blank(dict):
    def __missing__(self, key):
        return ""


def category_map() -> dict[int, Any]:
    """The shared categories by id (kept in memory per version of the categories)."""
    return {c.id: c for c in current_app.extensions["notifications"]["categories"]()}


def phones_for(reader, rows: Iterable[Notification]) -> dict[int, str]:
    """The volunteer's phone for those of `rows` that name him, as `reader` may see it now
    (notification id → phone)."""
    return current_app.extensions["notifications"]["phones"](reader, rows)


def render(
    notification: Notification,
    categories: dict[int, Any],
    locale: str,
    phone: str | None = None,
) -> str:
    """The notification's text in the reader's language; `phone` (the volunteer's, when the
    rule shows it to this reader now) is added at read time, never stored."""
    params = dict(notification.params or {})
    values = _Blank({k: v for k, v in params.items() if isinstance(v, str | int)})
    category = categories.get(params.get("category_id"))
    if category is not None:
        values["category"] = category.name_zh if locale.startswith("zh") else category.name_en
    if params.get("date"):
        values["date"] = format_date(date.fromisoformat(params["date"]), "medium")
    if params.get("due"):
        values["due"] = format_date(date.fromisoformat(params["due"]), "medium")
    if params.get("period") in PERIOD_NAMES:
        values["period"] = str(PERIOD_NAMES[params["period"]])
    text = str(MESSAGES.get(notification.kind, _l("Something changed."))) % values
    if phone:
        # Outside an f-string, so that pybabel finds it.
        text = " ".join((text, str(_l("Phone: %(phone)s", phone=phone))))
    return text


def notifications_for(user_id: int, *, unread_only: bool, page: int, per_page: int):
    """One page of a person's notifications, newest first, and how many there are."""
    where = [Notification.user_id == user_id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    return page_of(
        sa.select(Notification).where(*where).order_by(Notification.id.desc()), page, per_page
    )


def unread_count(user_id: int) -> int:
    """For the badge on every page."""
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def mark_read(user_id: int, notification_id: int) -> Notification:
    row = db.session.get(Notification, notification_id) if notification_id < 2**31 else None
    if row is None or row.user_id != user_id:
        raise NotFound()
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount
