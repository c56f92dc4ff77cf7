"""Signals the bookings part sends; other parts connect to them in their own init_app.

A receiver reacts to a move already made (it may add records and notifications in the same
transaction); it never refuses one: whether a move is allowed is for rules.py, before the write.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by moving.transition() (the one writer of a booking's state) after every move, in the
# same transaction, with sender=the Booking as written, action= (rules.Action), actor= (the
# User, None for the scheduler) and from_status= (the state it was moved from). Hours are
# logged and verified (hours), a fair seat is freed (fairs), a concern follows its booking.
booking_moved = _signals.signal("booking-moved")
