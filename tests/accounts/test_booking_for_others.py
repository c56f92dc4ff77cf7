"""Whom one may book for: herself, those she manages, and on their behalf the residents of a
grid worker's grids or of the office's community; one rule for the form and the booking."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts import service
from happiness_fair.accounts.access import may_book_for
from happiness_fair.accounts.models import Resident, User
from happiness_fair.extensions import db


def _ids(people) -> list[int]:
    return [p.id for p in people]


def test_the_form_offers_whom_the_booking_accepts(app, make):
    community = make.community()
    grid, other_grid = make.grid(community), make.grid(community)
    grandma = make.resident(grid)
    son = make.manager(grandma)
    neighbour = make.resident(other_grid)
    worker, office = make.grid_worker(grid), make.office(community)
    stranger_office = make.office(make.community())
    closed = make.resident(grid)
    with app.app_context():
        db.session.execute(sa.update(Resident).where(Resident.id == closed.id).values(active=False))

        def user(u) -> User:
            return db.session.get(User, u.id)

        def resident(r) -> Resident:
            return db.session.get(Resident, r.id)

        assert _ids(service.people_to_book_for(user(grandma.account_user))) == [grandma.id]
        assert _ids(service.people_to_book_for(user(son), neighbour.id)) == [grandma.id]
        assert _ids(service.people_to_book_for(user(worker), grandma.id)) == [grandma.id]
        assert _ids(service.people_to_book_for(user(worker), neighbour.id)) == []
        assert _ids(service.people_to_book_for(user(worker), closed.id)) == []
        assert _ids(service.people_to_book_for(user(office), neighbour.id)) == [neighbour.id]
        assert _ids(service.people_to_book_for(user(stranger_office), grandma.id)) == []

        for who, whom, allowed in [
            (grandma.account_user, grandma, True),
            (son, grandma, True),
            (son, neighbour, False),
            (worker, grandma, True),
            (worker, neighbour, False),
            (office, neighbour, True),
            (stranger_office, grandma, False),
            (neighbour.account_user, grandma, False),
        ]:
            assert may_book_for(user(who), resident(whom)) is allowed, (who.id, whom.id)
        db.session.rollback()
