"""Signals the accounts part sends; other parts connect to them in their own init_app."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with sender=the Resident and actor=the staff member, in the same transaction, after her
# verified birth date or her flags (低保, disability, living alone) changed: what decides a fee.
resident_fee_facts_changed = _signals.signal("resident-fee-facts-changed")

# Sent with sender=the Resident, actor= and reason= (moved, passed_away, other) when staff close
# her record: her open bookings are cancelled and her managers told (bookings/people.py).
resident_deactivated = _signals.signal("resident-deactivated")

# Sent with sender=the Resident while staff are asked to confirm closing her record: each part
# that closing would end something in answers with a line saying what (or None), for the page.
resident_closing = _signals.signal("resident-closing")

# Sent with sender=the ManagerInvitation, owner= (the User who holds the invited number),
# inviter= and name= (the resident's), when an invitation is made or a new account finds one
# waiting for its number: the owner is told (notifications/service.py).
manager_invited = _signals.signal("manager-invited")
