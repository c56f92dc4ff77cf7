"""The bookings tests' small community and helpers, for the hours that bookings give."""

from tests.bookings.conftest import (  # noqa: F401  (fixtures)
    act,
    advance,
    book,
    plumbing,
    world,
)
