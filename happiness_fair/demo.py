"""The demo: 虹西社区 of the newspaper report, and 濠北社区 to show communities stay apart.

Names the report does not give are made up. Idempotent: each thing is created only if missing.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .accounts import security
from .accounts.models import Resident, ResidentManager, Role, User, UserRole
from .bookings import demo as bookings_demo
from .catalogue import demo as catalogue_demo
from .catalogue.categories import ensure_categories
from .concerns import demo as concerns_demo
from .database import utcnow
from .extensions import db
from .fairs import demo as fairs_demo
from .followups.models import FollowUp, Outcome
from .hours import demo as hours_demo
from .office import demo as office_demo
from .places.models import Building, Community, Compound, Grid
from .teams import demo as teams_demo

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 (published in the README)

# 虹西社区: 3 compounds, 99 buildings, 9 grids. Grid 1 holds 虹桥东村 145–156幢 (152幢 among them).
HONGXI_GRIDS: dict[int, list[tuple[str, int]]] = {
    1: [("虹桥东村", n) for n in range(145, 157)],
    2: [("虹桥东村", n) for n in [*range(157, 161), *range(101, 109)]],
    3: [("虹桥东村", n) for n in range(109, 121)],
    4: [("虹桥东村", n) for n in range(121, 133)],
    5: [("虹桥东村", n) for n in range(133, 145)],
    6: [("虹桥西村", n) for n in range(1, 14)],
    7: [("虹桥西村", n) for n in range(14, 26)],
    8: [("虹西新苑", n) for n in range(1, 8)],
    9: [("虹西新苑", n) for n in range(8, 15)],
}
HAOBEI_GRIDS = {
    1: [("濠北小区", n) for n in range(1, 5)],
    2: [("濠北小区", n) for n in range(5, 9)],
}


def _one(stmt):
    return db.session.execute(stmt).scalar_one_or_none()


def _community(name, street, grids) -> tuple[Community, bool]:
    community = _one(sa.select(Community).where(Community.name == name))
    if community is not None:
        return community, False
    community = Community(name=name, street=street, district="崇川区", city="南通市")
    db.session.add(community)
    db.session.flush()
    compounds: dict[str, Compound] = {}
    for number, buildings in grids.items():
        grid = Grid(community_id=community.id, number=number, name=f"第{number}网格")
        db.session.add(grid)
        db.session.flush()
        for compound_name, building_number in buildings:
            if compound_name not in compounds:
                compounds[compound_name] = Compound(community_id=community.id, name=compound_name)
                db.session.add(compounds[compound_name])
                db.session.flush()
            db.session.add(
                Building(
                    community_id=community.id,
                    compound_id=compounds[compound_name].id,
                    grid_id=grid.id,
                    name=f"{building_number}幢",
                )
            )
    db.session.flush()
    return community, True


def _building(community: Community, compound: str, name: str) -> Building:
    return db.session.execute(
        sa.select(Building)
        .join(Compound)
        .where(
            Compound.community_id == community.id, Compound.name == compound, Building.name == name
        )
    ).scalar_one()


def _grid(community: Community, number: int) -> Grid:
    return _one(sa.select(Grid).where(Grid.community_id == community.id, Grid.number == number))


def _user(community, phone, name, role: Role, password_hash, grids=()) -> User:
    user = _one(sa.select(User).where(User.phone == phone))
    if user is None:
        user = User(
            community_id=community.id,
            phone=phone,
            name=name,
            password_hash=password_hash,
            roles=[UserRole(role=role)],
            staff_grids=list(grids),
        )
        db.session.add(user)
        db.session.flush()
    return user


def _resident(
    community, name, building, unit, room, *, born=None, verified_by=None, user=None, phone=None
) -> Resident:
    resident = _one(
        sa.select(Resident).where(
            Resident.community_id == community.id,
            Resident.name == name,
            Resident.building_id == building.id,
        )
    )
    if resident is None:
        resident = Resident(
            community_id=community.id,
            user_id=user.id if user else None,
            name=name,
            phone=phone or (user.phone if user else None),
            birth_date=born,
            age_verified=verified_by is not None,
            age_verified_by_id=verified_by.id if verified_by else None,
            age_verified_at=utcnow() if verified_by else None,
            building_id=building.id,
            unit=unit,
            room=room,
        )
        db.session.add(resident)
        db.session.flush()
    return resident


def seed_demo() -> bool:
    """Load the demo communities and accounts; True when anything new was created."""
    ensure_categories()
    hongxi, created_hongxi = _community("虹西社区", "虹桥街道", HONGXI_GRIDS)
    haobei, created_haobei = _community("濠北社区", "和平桥街道", HAOBEI_GRIDS)
    password_hash = security.hash_password(DEMO_PASSWORD)

    office = _user(hongxi, "13900000001", "陈主任", Role.office, password_hash)
    grid1_worker = _user(
        hongxi, "13900000002", "顾网格", Role.grid_worker, password_hash, [_grid(hongxi, 1)]
    )
    _user(hongxi, "13900000006", "陆网格", Role.grid_worker, password_hash, [_grid(hongxi, 2)])
    shen = _user(hongxi, "13900000003", "沈林益", Role.resident, password_hash)
    zhang = _user(hongxi, "13900000004", "张奶奶", Role.resident, password_hash)
    li = _user(hongxi, "13900000005", "李明", Role.resident, password_hash)
    _user(haobei, "13900000011", "周主任", Role.office, password_hash)
    # 陶建华, a resident of 151幢: the office appoints him micro-grid helper (concerns/demo.py).
    helper = _user(hongxi, "13900000007", "陶建华", Role.resident, password_hash)

    east = "虹桥东村"
    _resident(
        hongxi,
        "沈林益",
        _building(hongxi, east, "147幢"),
        "1",
        "102",
        born=date(1962, 5, 8),
        user=shen,
    )
    _resident(
        hongxi,
        "张奶奶",
        _building(hongxi, east, "150幢"),
        "2",
        "201",
        born=date(1941, 1, 15),
        verified_by=grid1_worker,
        user=zhang,
    )
    li_home = _building(hongxi, east, "152幢")
    _resident(hongxi, "李明", li_home, "2", "301", born=date(1990, 9, 12), user=li)
    mother = _resident(hongxi, "王秀英", li_home, "2", "301", born=date(1944, 3, 2))
    _resident(
        hongxi, "陶建华", _building(hongxi, east, "151幢"), "1", "402", born=date(1958, 4, 20),
        user=helper,
    )  # fmt: skip
    if db.session.get(ResidentManager, (mother.id, li.id)) is None:
        db.session.add(ResidentManager(resident_id=mother.id, user_id=li.id, relation="母亲"))
    _resident(
        hongxi,
        "赵大爷",
        _building(hongxi, east, "109幢"),
        "1",
        "501",
        born=date(1938, 11, 30),
        verified_by=office,
        phone="13700000021",
    )
    _resident(
        haobei, "钱阿姨", _building(haobei, "濠北小区", "3幢"), "1", "101", born=date(1950, 6, 1)
    )
    catalogue_created = [catalogue_demo.seed(c, password_hash) for c in (hongxi, haobei)]
    catalogue_created.append(bookings_demo.seed(hongxi))  # needs the catalogue's volunteers
    catalogue_created.append(hours_demo.seed(hongxi, follow_up=_follow_up_call))  # the bookings
    catalogue_created.append(fairs_demo.seed(hongxi))  # needs the catalogue's fair listings
    catalogue_created.append(concerns_demo.seed(hongxi, haobei))  # beside the 152幢 booking
    catalogue_created.append(office_demo.seed(hongxi))  # a certificate request waiting
    catalogue_created.append(teams_demo.seed(hongxi))  # 虹西志愿服务队, led by 沈林益
    db.session.flush()
    return created_hongxi or created_haobei or any(catalogue_created)


def _follow_up_call(booking, satisfaction: int, caller_id: int, at) -> None:
    """The grid's call after a demo visit of hours.demo: all was well."""
    db.session.add(
        FollowUp(
            booking_id=booking.id,
            community_id=booking.community_id,
            outcome=Outcome.solved,
            satisfaction=satisfaction,
            caller_id=caller_id,
            at=at,
        )
    )
