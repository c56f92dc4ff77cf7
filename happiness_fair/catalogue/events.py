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
