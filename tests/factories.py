"""Factories that return detached, fully loaded objects: `make.resident(grid=g, age=85)`."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from happiness_fair.accounts import security
from happiness_fair.accounts.models import Resident, ResidentManager, Role, User, UserRole
from happiness_fair.catalogue.categories import category_by_code
from happiness_fair.catalogue.models import Listing, Volunteer, VolunteerStatus, VolunteerTag
from happiness_fair.database import utcnow
from happiness_fair.extensions import db
from happiness_fair.places.clock import today
from happiness_fair.places.models import Building, Community, Compound, Grid

PASSWORD = "correct-horse-9"
_seq = itertools.count(1)


def tomorrow() -> date:
    """The service date after today in Asia/Shanghai: the day most test bookings are for."""
    return today() + timedelta(days=1)


def _phone() -> str:
    return f"158{next(_seq):08d}"


class Factories:
    def __init__(self, app):
        self.app = app
        self._hash = None

    def _save(self, *objects):
        with self.app.app_context():
            for obj in objects:
                db.session.add(obj)
            db.session.commit()
            for obj in objects:
                db.session.refresh(obj)
            db.session.expunge_all()
        return objects[0]

    def password_hash(self) -> str:
        if self._hash is None:
            with self.app.app_context():
                self._hash = security.hash_password(PASSWORD)
        return self._hash

    def community(self, name=None) -> Community:
        return self._save(Community(name=name or f"社区{next(_seq)}", street="测试街道"))

    def grid(self, community=None, number=None) -> Grid:
        community_id = getattr(community or self.community(), "id", community)
        n = number or next(_seq)
        return self._save(Grid(community_id=community_id, number=n, name=f"第{n}网格"))

    def building(self, grid=None, name=None) -> Building:
        grid = grid or self.grid()
        compound = self._save(Compound(community_id=grid.community_id, name=f"小区{next(_seq)}"))
        return self._save(
            Building(
                community_id=grid.community_id,
                compound_id=compound.id,
                grid_id=grid.id,
                name=name or f"{next(_seq)}幢",
            )
        )

    def user(self, role=Role.resident, community=None, grids=(), name=None, phone=None) -> User:
        community_id = getattr(community, "id", community)  # a Community or its id
        if community_id is None and grids:
            community_id = grids[0].community_id
        if community_id is None:
            community_id = self.community().id
        user = User(
            community_id=community_id,
            phone=phone or _phone(),
            name=name or f"用户{next(_seq)}",
            password_hash=self.password_hash(),
        )
        with self.app.app_context():
            user.roles = [UserRole(role=role)]
            user.staff_grids = [db.session.get(Grid, g.id) for g in grids]
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            _ = user.roles, user.staff_grids
            db.session.expunge_all()
        return user

    def office(self, community) -> User:
        return self.user(Role.office, community=community)

    def grid_worker(self, *grids) -> User:
        return self.user(Role.grid_worker, grids=list(grids))

    def resident(
        self,
        grid=None,
        *,
        building=None,
        name=None,
        birth_date: date | None = None,
        verified=False,
        account=True,
        phone=None,
    ) -> Resident:
        """A resident record; with `account=True` also her own account (`.account_user`)."""
        building = building or self.building(grid)
        user = None
        if account:
            user = self.user(community=Community(id=building.community_id), name=name, phone=phone)
        resident = self._save(
            Resident(
                community_id=building.community_id,
                user_id=user.id if user else None,
                name=name or (user.name if user else f"居民{next(_seq)}"),
                phone=user.phone if user else phone,
                birth_date=birth_date,
                age_verified=verified,
                age_verified_at=utcnow() if verified else None,
                building_id=building.id,
                unit="1",
                room=str(100 + next(_seq) % 900),
            )
        )
        resident.account_user = user
        return resident

    def manager(self, resident, user=None) -> User:
        user = user or self.user(community=Community(id=resident.community_id))
        self._save(ResidentManager(resident_id=resident.id, user_id=user.id, relation="子女"))
        return user

    def category(self, code="plumbing"):
        with self.app.app_context():
            category = category_by_code(code)
            db.session.expunge(category)
        return category

    def volunteer(
        self,
        grids=(),
        *,
        categories=("plumbing",),
        status=VolunteerStatus.approved,
        name=None,
        community=None,
        tags=(),
        user=None,
    ) -> Volunteer:
        """A volunteer (approved by default) serving these grids with these skills."""
        grids = list(grids) or [self.grid(community)]
        user = user or self.user(community=Community(id=grids[0].community_id), name=name)
        with self.app.app_context():
            volunteer = Volunteer(
                user_id=user.id,
                community_id=user.community_id,
                status=status,
                bio="热心肠",
                categories=[category_by_code(code) for code in categories],
                grids=[db.session.get(Grid, g.id) for g in grids],
                tags=[VolunteerTag(tag=t) for t in tags],
                decided_at=utcnow() if status != VolunteerStatus.pending else None,
            )
            db.session.add(volunteer)
            db.session.commit()
            db.session.refresh(volunteer)
            _ = volunteer.user, volunteer.categories, volunteer.grids, volunteer.tags
            db.session.expunge_all()
        volunteer.account_user = user
        return volunteer

    def listing(
        self,
        volunteer=None,
        *,
        category="plumbing",
        fee_fen=2000,
        title=None,
        home=True,
        fair=False,
        active=True,
        description="",
    ) -> Listing:
        volunteer = volunteer or self.volunteer(categories=(category,))
        with self.app.app_context():
            category_id = category_by_code(category).id
        return self._save(
            Listing(
                volunteer_id=volunteer.id,
                community_id=volunteer.community_id,
                category_id=category_id,
                title=title or f"修水龙头{next(_seq)}",
                description=description,
                fee_fen=fee_fen,
                duration_minutes=30,
                home=home,
                fair=fair,
                active=active,
            )
        )
