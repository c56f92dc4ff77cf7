"""Bookings read for a list as plain records, not ORM objects.

A page of 20 bookings with their timelines is 20 bookings and some 90 events. Building them as
SQLAlchemy objects (identity map, instance state, instrumented attributes and collections)
cost a signed-in list more than its statement and its privacy rules together (issue 22,
PERFORMANCE.md round 12). A list's bookings are only read: shown, judged by the same rules in
access.py (which read attributes), never changed or flushed. So a list reads rows and keeps each
booking as a plain object with the mapped class's attribute names, and its timeline and photos
as lists of the same. A booking anyone acts on is still loaded as the mapped object
(reading.load_booking).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa

from .models import Booking, BookingEvent, BookingFacts, BookingPhoto

# What a list reads of a booking: everything but the waiver rules it was priced under (only a
# change of price reads them) and, of a photo, its bytes.
COLUMNS = tuple(c for c in Booking.__table__.c if c.key != "waiver_rules_snapshot")
_EVENT_COLUMNS = tuple(BookingEvent.__table__.c)
_PHOTO_COLUMNS = tuple(c for c in BookingPhoto.__table__.c if c.key != "data")
_KEYS = tuple(c.key for c in COLUMNS)
_EVENT_KEYS = tuple(c.key for c in _EVENT_COLUMNS)
_PHOTO_KEYS = tuple(c.key for c in _PHOTO_COLUMNS)

Order = Callable[[sa.ColumnCollection], Sequence[sa.ColumnElement]]


class _Record:
    """A row's values as attributes, as the mapped object has them."""

    def __init__(self, values: dict) -> None:
        self.__dict__ = values


class BookingRecord(BookingFacts, _Record):
    """A booking as a list reads it; `events` and `photos` are lists, in the mapped order."""

    events: list[_Record]
    photos: list[_Record]


def timelined(page: sa.Select, order: Order) -> sa.Select:
    """`page`, a select of COLUMNS and then whatever else a list reads beside each booking
    (limited, offset), ordered by `order` (given the columns, the order's clauses), with each
    booking's events and photos outer joined: one statement, in the page's order, each
    timeline in the order it was written."""
    inner = page.order_by(None).order_by(*order(Booking.__table__.c)).subquery("page")
    events = BookingEvent.__table__.alias("page_events")
    photos = BookingPhoto.__table__.alias("page_photos")
    return (
        sa.select(
            inner,
            *(events.c[key] for key in _EVENT_KEYS),
            *(photos.c[key] for key in _PHOTO_KEYS),
        )
        .select_from(
            inner.outerjoin(events, events.c.booking_id == inner.c.id).outerjoin(
                photos, photos.c.booking_id == inner.c.id
            )
        )
        .order_by(*order(inner.c), events.c.id, photos.c.id)
    )


def read(rows: Sequence[sa.Row]) -> list[tuple[BookingRecord, tuple]]:
    """The bookings of a timelined() statement's rows, each with the values read beside it."""
    listed = len(_KEYS)
    first_event = len(rows[0]) - len(_EVENT_KEYS) - len(_PHOTO_KEYS) if rows else 0
    first_photo = first_event + len(_EVENT_KEYS)
    found: dict[int, tuple[BookingRecord, tuple]] = {}
    events: dict[int, dict[int, _Record]] = {}
    photos: dict[int, dict[int, _Record]] = {}
    for row in rows:
        booking_id = row[0]
        if booking_id not in found:
            found[booking_id] = (
                BookingRecord(dict(zip(_KEYS, row[:listed], strict=True))),
                tuple(row[listed:first_event]),
            )
            events[booking_id], photos[booking_id] = {}, {}
        event_id, photo_id = row[first_event], row[first_photo]
        if event_id is not None and event_id not in events[booking_id]:
            values = zip(_EVENT_KEYS, row[first_event:first_photo], strict=True)
            events[booking_id][event_id] = _Record(dict(values))
        if photo_id is not None and photo_id not in photos[booking_id]:
            photos[booking_id][photo_id] = _Record(
                dict(zip(_PHOTO_KEYS, row[first_photo:], strict=True))
            )
    for booking_id, (record, _beside) in found.items():
        record.events = list(events[booking_id].values())
        record.photos = list(photos[booking_id].values())
    return list(found.values())


def read_counted(result: sa.Result) -> tuple[list[BookingRecord], int | None]:
    """database.prebuilt_page()'s read: the records, and the total read beside each (last)."""
    found = read(result.all())
    return [record for record, _ in found], found[0][1][-1] if found else None
