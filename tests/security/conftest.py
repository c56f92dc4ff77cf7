"""The bookings world (a community with 张奶奶, her son, a plumber…) for the privacy tests."""

from tests.bookings.conftest import act, advance, book, plumbing, world  # noqa: F401
