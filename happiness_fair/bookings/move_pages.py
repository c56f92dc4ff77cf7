"""One move on a booking, one page: the pattern the resident's, the volunteer's and the grid
worker's pages share. Each keeps one explicit table, slug -> MovePage; the buttons are the slugs
whose move can() allows (asked of one Viewer read once, so a button costs no query), and the
page's form runs transition() through web.attempt()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..forms import load_form_in_yuan
from . import access, moving, reading
from .models import Booking


@dataclass(frozen=True)
class MovePage:
    """A move offered as its own page: the move the button is asked of, the API's schema for its
    few fields, the page's title and what is said when it is done. `pick` chooses the move from
    the form when one page offers two (settling a dispute: count it done, or open it again).
    `yuan` names the amounts a person types in yuan, each with the schema's _fen field it fills
    (forms.load_form_in_yuan): the same on the volunteer's and the staff's pages."""

    action: access.Move
    schema: type
    title: object
    done: object
    pick: Callable[[dict], access.Move] | None = None
    yuan: Mapping[str, str] = field(default_factory=dict)

    def move_for(self, data: dict) -> access.Move:
        return self.pick(data) if self.pick is not None else self.action


# The money fields of a move's form, typed in yuan, and the API's _fen fields they fill.
ESTIMATE_IN_YUAN = {"materials_estimate_yuan": "materials_estimate_fen"}
MATERIALS_IN_YUAN = {"materials_yuan": "materials_fen"}


def offered(moves: dict[str, MovePage], viewer: access.Viewer, booking: Booking) -> list[str]:
    """The slugs of the moves this person may make now, in the table's order: its buttons."""
    return [
        slug
        for slug, move in moves.items()
        if access.can(move.action, viewer.user, booking, viewer)
    ]


def titles(moves: dict[str, MovePage]) -> dict[str, str]:
    return {slug: str(move.title) for slug, move in moves.items()}


def read_form(move: MovePage) -> tuple[dict, dict]:
    """(data, errors) from the posted form, read by the move's API schema, amounts in yuan."""
    return load_form_in_yuan(move.schema, move.yuan)


def make(move: MovePage, booking_id: int, user, data: dict) -> Booking:
    """The move, as the API makes it: the one writer, transition(), on the booking locked."""
    action = move.move_for(data)
    return moving.transition(reading.booking_for_action(booking_id), user, action, **data)
