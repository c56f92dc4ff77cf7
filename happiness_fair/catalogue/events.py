"""Signals the catalogue sends; other parts connect to them in their own init_app."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with sender=the Listing, actor= and reason= when the office withdraws a listing: its
# requested bookings become open requests (bookings/people.py).
listing_withdrawn = _signals.signal("listing-withdrawn")

# Sent with sender=the Volunteer and actor= (the office user) when the office suspends him, in
# the same transaction: his requests and accepted jobs become open requests (bookings/people.py).
volunteer_suspended = _signals.signal("volunteer-suspended")

# Sent with no sender once the shared categories are in the table (init-db, seed-demo and tests):
# each community gets its default concern categories too (concerns/categories.py).
categories_ensured = _signals.signal("categories-ensured")
