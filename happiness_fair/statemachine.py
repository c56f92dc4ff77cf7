"""What every state machine of the product (a booking's, a concern's) judges the same way: one
attempted move against a transition table and a table of who may make each move, answered in
the order 404, 403, 409 so nobody learns more than their relation entitles them to.

Pure: no Flask, no database. Each part keeps its own states, actions, relations and tables.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Hashable, Mapping


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"


def decide(
    action: Hashable,
    status: Hashable,
    relation: Hashable,
    *,
    nobody: Hashable,
    actors: Mapping[Hashable, Collection[Hashable]],
    transitions: Collection[tuple[Hashable, Hashable]],
) -> Verdict:
    """`nobody` is the relation of someone who may not even see the thing (404); `actors` says
    who may make each action (else 403); `transitions` holds the (status, action) pairs the
    state allows (else 409)."""
    if relation == nobody:
        return Verdict.NOT_FOUND
    if relation not in actors[action]:
        return Verdict.FORBIDDEN
    if (status, action) not in transitions:
        return Verdict.CONFLICT
    return Verdict.ALLOWED
