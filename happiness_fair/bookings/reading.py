"""Reading bookings: one booking with its timeline and photos, the lists a person has a part
in, a volunteer's jobs and the requests he may take; and what the pages show beside them,
loaded in a few queries for a whole page (the category, the service's title, the volunteer,
the person served, who did each step). Who may see what is decided by access.py.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.util import identity_key

from ..accounts.models import Resident, User
from ..catalogue import service as catalogue
from ..catalogue.models import Category, Listing, Volunteer
from ..database import prebuilt, prebuilt_page
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..validation import MAX_ID
from . import access, contact, records
from .access import sees_private
from .models import Booking, BookingEvent
from .rules import BookingStatus


@dataclasses.dataclass(frozen=True, slots=True)
class VolunteerName:
    """What naming a booking's volunteer reads of him (catalogue.service.name_shown_to): his
    name, whether he chose to show it whole, and to whom it is shown anyway (himself, his
    community's staff)."""

    id: int
    user_id: int
    community_id: int
    show_full_name: bool
    name: str


@dataclasses.dataclass
class Names:
    """Everything a list of bookings names, by id."""

    categories: dict[int, Category]
    listings: dict[int, str]
    volunteers: dict[int, VolunteerName]
    beneficiaries: dict[int, str]
    actors: dict[int, str]
    # Who of those who took, started, finished or gave back a job did it as its volunteer (the
    # rest were staff acting for him); a step's volunteer is named as "the volunteer", never by
    # his account's name.
    volunteer_actors: frozenset[int] = frozenset()
    # The bookings whose people this viewer may see named (access.sees_private); None: all.
    private_ids: frozenset[int] | None = None

    def person_of(self, booking) -> str:
        """The name of the person this booking serves, where the viewer may see it; else "".
        By the booking, not by the person: her name seen on one job must not name her on
        another of his where his window has closed."""
        if self.private_ids is not None and booking.id not in self.private_ids:
            return ""
        return self.beneficiaries.get(booking.beneficiary_id, "")


# Where a booking keeps the names a page shows beside it, once read with it (_names_beside):
# (listing id, its title, beneficiary id, her name, volunteer id, his VolunteerName). Keyed by
# the ids, so a booking changed since is named again.
_NAMED = "_names_read_with_it"

# The booking's volunteer's account, joined to name him.
_account = aliased(User, name="volunteer_account")
# Of the booking's volunteer: VolunteerName's fields after the id, then his phone (contact.py).
_VOLUNTEER = (
    Volunteer.user_id.label("volunteer_user_id"),
    Volunteer.community_id.label("volunteer_community_id"),
    Volunteer.show_full_name.label("volunteer_shows_full_name"),
    _account.name.label("volunteer_name"),
    _account.phone.label("volunteer_phone"),
)


def _with_volunteer(stmt):
    """The statement reading bookings also reads their volunteer's _VOLUNTEER columns (outer
    joined: an open request has none)."""
    return stmt.outerjoin(Volunteer, Volunteer.id == Booking.volunteer_id).outerjoin(
        _account, _account.id == Volunteer.user_id
    )


def _names_beside() -> tuple:
    """The service's title and the name of the person served, as columns of a statement that
    reads bookings."""
    title = (
        sa.select(Listing.title)
        .where(Listing.id == Booking.listing_id)
        .correlate(Booking)
        .scalar_subquery()
    )
    person = (
        sa.select(Resident.name)
        .where(Resident.id == Booking.beneficiary_id)
        .correlate(Booking)
        .scalar_subquery()
    )
    return title.label("listing_title"), person.label("beneficiary_name")


def _keep_volunteer(booking, user_id, community_id, shows_full_name, name, phone):
    """Keep on the booking its volunteer, read with it (_VOLUNTEER): his name and phone for
    contact.volunteer_contact(); his VolunteerName, or None."""
    if user_id is None:
        return None
    contact.carry(booking, name, phone)
    return VolunteerName(booking.volunteer_id, user_id, community_id, shows_full_name, name)


def _carry_names(booking, title, person, volunteer: VolunteerName | None) -> None:
    booking.__dict__[_NAMED] = (
        booking.listing_id,
        title,
        booking.beneficiary_id,
        person,
        booking.volunteer_id,
        volunteer,
    )


def _carried_names(booking: Booking):
    kept = booking.__dict__.get(_NAMED)
    if kept is None:
        return None
    if (kept[0], kept[2], kept[4]) != (
        booking.listing_id,
        booking.beneficiary_id,
        booking.volunteer_id,
    ):
        return None
    return kept


def _volunteers(ids: set[int]) -> dict[int, VolunteerName]:
    """The volunteers, as much of them as naming them reads."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Volunteer.id,
            Volunteer.user_id,
            Volunteer.community_id,
            Volunteer.show_full_name,
            User.name,
        )
        .join(User, User.id == Volunteer.user_id)
        .where(Volunteer.id.in_(ids))
    )
    return {row.id: VolunteerName(*row) for row in rows}


def _texts(
    listing_ids: set[int],
    resident_ids: set[int],
    user_ids: set[int],
    volunteer_user_ids: set[int] = frozenset(),
) -> dict:
    """Listing titles, residents' and users' names, and which of some accounts are volunteers':
    one statement for the four."""
    parts = []
    for kind, column_id, column_text, ids in (
        ("l", Listing.id, Listing.title, listing_ids),
        ("r", Resident.id, Resident.name, resident_ids),
        ("u", User.id, User.name, user_ids),
        ("v", Volunteer.user_id, sa.literal(""), volunteer_user_ids),
    ):
        if ids:
            parts.append(
                sa.select(sa.literal(kind).label("kind"), column_id, column_text).where(
                    column_id.in_(ids)
                )
            )
    texts: dict = {"l": {}, "r": {}, "u": {}, "v": {}}
    if parts:
        stmt = sa.union_all(*parts) if len(parts) > 1 else parts[0]
        for kind, row_id, text in db.session.execute(stmt).all():
            texts[kind][row_id] = text
    return texts


def names_for(bookings: Iterable[Booking], *, with_actors: bool = False, viewer=None) -> Names:
    """The names a page shows. With a viewer, the names of a booking's people (the person
    served, who did each step) only for the bookings where access.sees_private() lets him."""
    bookings = list(bookings)
    named = bookings
    if viewer is not None:
        named = [b for b in bookings if sees_private(viewer, b)]
    categories = {c.id: c for c in catalogue.categories()}
    # What was read with the bookings (_names_beside, _VOLUNTEER) is not asked again.
    carried = {b.id: kept for b in bookings if (kept := _carried_names(b)) is not None}
    listings = {k[0]: k[1] for k in carried.values() if k[0] is not None}
    volunteers = {k[4]: k[5] for k in carried.values() if k[5] is not None}
    people = {carried[b.id][2]: carried[b.id][3] for b in named if b.id in carried}
    listing_ids = {b.listing_id for b in bookings if b.listing_id and b.listing_id not in listings}
    unread = {b.volunteer_id for b in bookings if b.volunteer_id not in volunteers}
    volunteers.update(_volunteers(unread - {None}))
    beneficiary_ids = {b.beneficiary_id for b in named if b.beneficiary_id not in people}
    actor_ids: set[int] = set()
    stepped: set[int] = set()
    if with_actors:
        actor_ids = {e.actor_id for b in named for e in b.events if e.actor_id}
        stepped = {
            e.actor_id
            for b in bookings
            for e in b.events
            if e.actor_id and e.action in VOLUNTEER_STEPS
        }
    texts = _texts(listing_ids, beneficiary_ids, actor_ids, stepped)
    return Names(
        categories,
        {**listings, **texts["l"]},
        volunteers,
        {**people, **texts["r"]},
        texts["u"],
        frozenset(texts["v"]),
        None if viewer is None else frozenset(b.id for b in named),
    )


# The steps a volunteer makes on his job, which staff may also make for him.
VOLUNTEER_STEPS = frozenset({"accept", "decline", "start", "complete"})


# --- bookings ------------------------------------------------------------------------------


def still_his(volunteer_id: int, booking_ids: Iterable[int]) -> set[int]:
    """Which of these jobs are still his to open: a job a settled dispute found he had not done
    went back to the board for another volunteer (his hours record of it stays in his list)."""
    ids = {i for i in booking_ids if i}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Booking.id).where(Booking.id.in_(ids), Booking.volunteer_id == volunteer_id)
        )
    )


def with_timeline(stmt):
    return stmt.options(selectinload(Booking.events), selectinload(Booking.photos))


def load_booking(booking_id: int) -> Booking | None:
    """The booking with its timeline and photos, fresh from the database."""
    if not 0 < booking_id <= MAX_ID:
        return None
    # Fresh: a booking this session holds is read again (what it has pending is written
    # first). Only the booking: the volunteer read with it, when the session holds him already
    # (he may be the caller), keeps what it has loaded.
    held = db.session.identity_map.get(identity_key(Booking, booking_id))
    if held is not None:
        db.session.flush()
        db.session.expire(held)
    # One booking: its few events and photos come in the same statement, and what a page names
    # beside it, the volunteer's name and phone for volunteer_contact() among them.
    row = (
        db.session.execute(
            _with_volunteer(sa.select(Booking, *_VOLUNTEER, *_names_beside()))
            .where(Booking.id == booking_id)
            .options(joinedload(Booking.events), joinedload(Booking.photos))
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        return None
    booking, *volunteer, title, person = row
    _carry_names(booking, title, person, _keep_volunteer(booking, *volunteer))
    return booking


def visible_booking(user: User, booking_id: int, viewer: access.Viewer | None = None) -> Booking:
    """The booking, or 404 when there is none or the caller may not see it."""
    viewer = viewer or access.viewer_of(user)
    booking = load_booking(booking_id)
    if booking is None or not access.can_see(viewer, booking):
        raise NotFound()
    return booking


def booking_for_action(booking_id: int) -> Booking:
    """The booking someone acts on, with its timeline and photos (the answer shows them).
    Whether they may see it is for the rules to say (404, or 409 for a volunteer who was a
    moment too late)."""
    booking = load_booking(booking_id)
    if booking is None:
        raise NotFound()
    return booking


# Each way a person can have a part in bookings, its values bound at execute (bookings_for()),
# widest first: those that grow with a person's work (a community, grids, a volunteer's jobs)
# before her own few bookings, the order _count_of_any() counts them in.
_PARTS = {
    "office": lambda: Booking.community_id == sa.bindparam("community_id"),
    "grid": lambda: sa.and_(
        Booking.community_id == sa.bindparam("community_id"),
        Booking.grid_id.in_(sa.bindparam("grid_ids", expanding=True)),
    ),
    "volunteer": lambda: Booking.volunteer_id == sa.bindparam("volunteer_id"),
    "beneficiary": lambda: Booking.beneficiary_id.in_(sa.bindparam("resident_ids", expanding=True)),
    "booker": lambda: Booking.booker_id == sa.bindparam("user_id"),
}


def _count_of_any(parts: list) -> sa.ScalarSelect:
    """How many bookings match any of the parts, without gathering their ids to drop the
    repeats: the first part counted alone (from its index: a volunteer's thousands of jobs
    never leave it), each next one without the rows an earlier part has counted (those are a
    person's own few bookings, read to check)."""
    counts = []
    for i, part in enumerate(parts):
        counted_before = [sa.not_(sa.func.coalesce(p, sa.false())) for p in parts[:i]]
        counts.append(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(part, *counted_before)
            .scalar_subquery()
        )
    return functools.reduce(operator.add, counts)


def bookings_for(
    viewer: access.Viewer, *, status: str | None, page: int, per_page: int, named: bool = False
) -> tuple[list[records.BookingRecord], int]:
    """The bookings the person has a part in: booker, beneficiary or her manager, volunteer,
    grid worker of the grid, office of the community. Newest first. `named`: with what a page
    names beside them (names_for() then asks nothing more)."""
    user = viewer.user
    ways = ["booker"]
    values: dict[str, object] = {"user_id": user.id}
    if viewer.resident_ids:
        ways.append("beneficiary")
        values["resident_ids"] = sorted(viewer.resident_ids)
    if viewer.volunteer is not None:
        ways.append("volunteer")
        values["volunteer_id"] = viewer.volunteer.id
    if user.is_office:
        ways.append("office")
        values["community_id"] = user.community_id
    elif user.is_grid_worker and user.grid_ids:
        ways.append("grid")
        values.update(community_id=user.community_id, grid_ids=sorted(user.grid_ids))
    if status:
        values["status"] = BookingStatus(status)
    values.update(reach=page * per_page, per_page=per_page, offset=(page - 1) * per_page)
    page_stmt, count_stmt = prebuilt(
        ("reading.bookings_for", *ways, bool(status), named),
        lambda: _newest_of_any(ways, with_status=bool(status), named=named),
    )
    # The page, its timelines and the count in one statement; a page past the end has no row
    # to carry the count and asks for it alone.
    found = records.read(db.session.execute(page_stmt, values).all())
    for booking, (_count, *volunteer_and_names) in found:
        volunteer = _keep_volunteer(booking, *volunteer_and_names[: len(_VOLUNTEER)])
        if named:
            _carry_names(booking, *volunteer_and_names[len(_VOLUNTEER) :], volunteer)
    if found:
        return [booking for booking, _ in found], found[0][1][0]
    return [], db.session.execute(count_stmt, values).scalar_one()


def _union_of(selects: list[sa.Select]):
    return sa.union(*selects) if len(selects) > 1 else selects[0]


def _newest_of_any(
    ways: list[str], *, with_status: bool, named: bool
) -> tuple[sa.Select, sa.Select]:
    """The page of bookings matching any of the ways (with their timelines, the count and the
    volunteer), newest first, as records (records.py), and the count alone.

    The same rows as one WHERE part OR part, read so that the cost follows the page, not the
    person's history: each part is read newest first from its own index (booker, beneficiary,
    volunteer: each with created_at, id) only as far as the page reaches, and the count reads the
    widest part from its index alone (_count_of_any). A volunteer with thousands of past jobs
    costs little more than a page.
    """
    parts = [_PARTS[way]() for way in ways]
    if with_status:
        parts = [sa.and_(part, Booking.status == sa.bindparam("status")) for part in parts]
    heads = []
    for part in parts:
        head = (
            sa.select(Booking.id, Booking.created_at)
            .where(part)
            .order_by(*_newest(Booking.__table__.c))
            .limit(sa.bindparam("reach", type_=sa.Integer))
            .subquery()
        )
        heads.append(sa.select(head.c.id))
    part_of = dict(zip(ways, parts, strict=True))
    counted = _count_of_any([part_of[way] for way in _PARTS if way in part_of])

    # Beside each booking: the count, its volunteer (for volunteer_contact() and to name him)
    # and, for a page, the names it shows.
    beside = (counted.label("total"), *_VOLUNTEER, *(_names_beside() if named else ()))
    page = (
        _with_volunteer(sa.select(*records.COLUMNS, *beside))
        .where(Booking.id.in_(_union_of(heads)))
        .limit(sa.bindparam("per_page", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )
    return records.timelined(page, _newest), sa.select(counted)


def _newest(columns) -> tuple:
    return columns.created_at.desc(), columns.id.desc()


def jobs_of(
    viewer: access.Viewer, *, status: str | None, page: int, per_page: int
) -> tuple[list[records.BookingRecord], int]:
    """The bookings this volunteer has (named to him, accepted, done): his own list of jobs,
    latest day first, without the ones he only booked as a resident."""
    volunteer = viewer.volunteer
    if volunteer is None:
        raise Forbidden(_l("Only volunteers have jobs."))
    values = {"volunteer_id": volunteer.id, "status": BookingStatus(status) if status else None}
    return _records_page(
        ("reading.jobs_of", bool(status)),
        lambda: _jobs_of(bool(status)),
        _latest,
        values,
        page,
        per_page,
    )


def _records_page(
    key, build, order: records.Order, values: dict, page: int, per_page: int
) -> tuple[list[records.BookingRecord], int]:
    """A page of bookings read as records (records.py), in `order`, with its total."""
    return prebuilt_page(
        key,
        build,
        values,
        page,
        per_page,
        shape=lambda paged: records.timelined(paged, order),
        read=records.read_counted,
    )


def _latest(columns) -> tuple:
    return columns.date.desc(), columns.id.desc()


def _soonest(columns) -> tuple:
    return columns.date, columns.id


def _jobs_of(with_status: bool) -> sa.Select:
    """His jobs' statement, built once (values bound at execute)."""
    stmt = sa.select(*records.COLUMNS).where(Booking.volunteer_id == sa.bindparam("volunteer_id"))
    if with_status:
        stmt = stmt.where(Booking.status == sa.bindparam("status"))
    return stmt


def jobs_for(
    viewer: access.Viewer, *, page: int, per_page: int
) -> tuple[list[records.BookingRecord], int]:
    """Requests this approved volunteer may accept now: named to him, or open in his skills and
    grids. Soonest first."""
    volunteer = viewer.volunteer
    if volunteer is None or not volunteer.is_approved:
        raise Forbidden(_l("Only approved volunteers take jobs."))
    # Staff earn no volunteer hours where they are staff: the office nowhere in its community,
    # a grid worker not in his grids.
    user = viewer.user
    staff_grids = sorted(user.grid_ids) if user.is_grid_worker and not user.is_office else []
    values = {
        "community_id": volunteer.community_id,
        "category_ids": sorted(volunteer.category_ids),
        "grid_ids": []
        if user.is_office
        else [g for g in volunteer.grid_ids if g not in staff_grids],
        "viewer_id": viewer.id,
        "volunteer_id": volunteer.id,
        "staff_grids": staff_grids,
        "resident_ids": sorted(viewer.resident_ids),
    }
    shape = (user.is_office, bool(staff_grids), bool(viewer.resident_ids))
    return _records_page(
        ("reading.jobs_for", *shape), lambda: _jobs_for(*shape), _soonest, values, page, per_page
    )


def _jobs_for(office: bool, staff: bool, resident: bool) -> sa.Select:
    """The job board's statement for an office member, a grid worker with grids (not his jobs
    there) and a resident (not her own requests), built once (values bound at execute)."""
    # "+ 0" on the volunteer: the same tests, but no index of volunteers can answer them, so
    # SQLite reads this community's requests (status, community), a few hundred, instead of every
    # open request of the district (is null) or every job the volunteer ever had (=): 5.5 ms of a
    # busy volunteer's 10 ms job board at a community's scale. PostgreSQL reads them so anyway.
    open_to_him = sa.and_(
        (Booking.volunteer_id + 0).is_(None),
        Booking.category_id.in_(sa.bindparam("category_ids", expanding=True)),
        Booking.grid_id.in_(sa.bindparam("grid_ids", expanding=True)),
        Booking.booker_id != sa.bindparam("viewer_id"),
    )
    # Not a request whose job a settled dispute found he had not done (access.ruled_out_ids).
    open_to_him = sa.and_(
        open_to_him,
        ~sa.exists().where(
            BookingEvent.booking_id == Booking.id,
            BookingEvent.ruled_out_volunteer_id == sa.bindparam("volunteer_id"),
        ),
    )
    named_to_him = (Booking.volunteer_id + 0) == sa.bindparam("volunteer_id")
    if office:
        named_to_him = sa.false()
    elif staff:
        named_to_him = sa.and_(
            named_to_him, Booking.grid_id.not_in(sa.bindparam("staff_grids", expanding=True))
        )
    if resident:
        open_to_him = sa.and_(
            open_to_him, Booking.beneficiary_id.not_in(sa.bindparam("resident_ids", expanding=True))
        )
    stmt = sa.select(*records.COLUMNS).where(
        Booking.status == BookingStatus.requested,
        Booking.community_id == sa.bindparam("community_id"),
        sa.or_(named_to_him, open_to_him),
    )
    return stmt
