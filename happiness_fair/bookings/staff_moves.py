"""What staff (a grid worker, the office) do on a booking of their grids, one page each: the
table the grid desk's pages act from and the booking page's "for the grid worker" buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..accounts import access as account_access
from . import access, rules
from .models import Booking
from .move_pages import ESTIMATE_IN_YUAN, MATERIALS_IN_YUAN, MovePage, offered
from .rules import Action
from .schemas import (
    AcceptSchema,
    AssignSchema,
    CompleteSchema,
    NoteSchema,
    ReasonSchema,
    ResolveSchema,
)

FOLLOW_UP = "follow-up"  # the follow-up call: its own page (followups), after the moves


def _settled_as(data: dict) -> Action:
    """Settling a dispute: the job counts as done, or the request opens again."""
    return rules.settled_as(data.pop("outcome"))


# Moves that need no volunteer on the booking, then those staff make for its volunteer.
STAFF_MOVES = {
    "hand-over": MovePage(
        Action.assign,
        AssignSchema,
        _l("Hand to a volunteer"),
        _l("Handed over. The volunteer has been told and will accept or decline."),
    ),
    "resolve": MovePage(
        Action.resolve_confirm,
        ResolveSchema,
        _l("Settle the dispute"),
        _l("The dispute is settled."),
        pick=_settled_as,
    ),
}
FOR_THE_VOLUNTEER = {
    "accept": MovePage(
        Action.accept,
        AcceptSchema,
        _l("Accept for the volunteer"),
        _l("Accepted for the volunteer."),
        yuan=ESTIMATE_IN_YUAN,
    ),
    "decline": MovePage(
        Action.decline,
        ReasonSchema,
        _l("Decline for the volunteer"),
        _l("Declined for the volunteer; the request is open again."),
    ),
    "start": MovePage(
        Action.start,
        NoteSchema,
        _l("Start the work for the volunteer"),
        _l("Marked as started."),
    ),
    "complete": MovePage(
        Action.complete,
        CompleteSchema,
        _l("Record the finished work for the volunteer"),
        _l("The work is recorded as done."),
        yuan=MATERIALS_IN_YUAN,
    ),
}
ALL_STAFF_MOVES = {**STAFF_MOVES, **FOR_THE_VOLUNTEER}
STAFF_TITLES = {
    **{slug: move.title for slug, move in ALL_STAFF_MOVES.items()},
    FOLLOW_UP: _l("Record the follow-up call"),
}


def offered_to_staff(viewer: access.Viewer, booking: Booking) -> list[str]:
    """The grid worker's buttons on a booking: what can() allows him now (the follow-up call
    included, once the job is done and until a call is answered); none outside his grids."""
    user = viewer.user
    if not user.is_authenticated or not user.is_staff:
        return []
    if not account_access.is_staff_for(user, booking.community_id, booking.grid_id):
        return []
    slugs = offered(STAFF_MOVES, viewer, booking)
    if booking.volunteer_id is not None:
        slugs += offered(FOR_THE_VOLUNTEER, viewer, booking)
    if access.can(Action.follow_up, user, booking, viewer):
        slugs.append(FOLLOW_UP)
    return slugs


def staff_title(slug: str) -> str:
    return str(STAFF_TITLES[slug])
