"""What a booking costs: the one place a quote is made, and made again when its facts change.

A booking keeps the waiver rules in force when it was raised (the snapshot); its quote is those
rules applied to the person as she stands now on the service date (fees.py holds the pure rule).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..accounts.models import Resident
from ..catalogue.models import Listing
from ..extensions import db
from ..places.clock import service_date_of
from ..waivers import service as waivers
from . import fees
from .models import Booking


def waiver_rules_in_force(community_id: int) -> tuple[fees.WaiverRule, ...]:
    """The community's waiver rules now, as its office set them."""
    return waivers.rules_in_force(community_id)


def quote_booking(
    beneficiary: Resident,
    rules_snapshot: list,
    *,
    labour_fee_fen: int,
    materials_fen: int,
    service_date: date,
) -> dict[str, Any]:
    """The one place a booking's quote is made: the kept rules, applied to the person as she
    stands now (a later age verification counts) on the service date."""
    person = fees.Beneficiary(
        birth_date=beneficiary.birth_date,
        age_verified=beneficiary.age_verified,
        flags=frozenset(beneficiary.flags),
    )
    quote = fees.quote_for(
        labour_fee_fen,
        materials_fen,
        person,
        fees.rules_from_snapshot(rules_snapshot),
        service_date,
    )
    return quote.to_dict()


def _listing_volunteer_id(listing_id: int | None) -> int | None:
    if listing_id is None:
        return None
    return db.session.execute(
        sa.select(Listing.volunteer_id).where(Listing.id == listing_id)
    ).scalar_one()


def requote(booking: Booking, changes: dict[str, Any]) -> dict[str, Any]:
    """The quote the booking will have once `changes` are written.

    The labour fee is the listing's only while the listing's own volunteer has the booking (an
    open request has none); materials are the recorded cost, or until then the estimate.
    """

    def after(name):
        return changes.get(name, getattr(booking, name))

    volunteer_id = after("volunteer_id")
    labour = (
        booking.listing_fee_fen
        if volunteer_id is not None and volunteer_id == _listing_volunteer_id(booking.listing_id)
        else 0
    )
    materials = after("materials_fen")
    if materials is None:
        materials = after("materials_estimate_fen") or 0
    completed_at = after("completed_at")
    service_date = service_date_of(completed_at) if completed_at else after("date")
    return quote_booking(
        db.session.get(Resident, booking.beneficiary_id),
        booking.waiver_rules_snapshot,
        labour_fee_fen=labour,
        materials_fen=materials,
        service_date=service_date,
    )
