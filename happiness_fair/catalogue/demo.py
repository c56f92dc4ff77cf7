"""The demo catalogue: 沈林益 of the report and made-up neighbours who offer their skills.

Idempotent: an account, a volunteer record or a listing is created only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Role, User, UserRole
from ..database import utcnow
from ..extensions import db
from ..places.models import Community, Grid
from .categories import category_by_code
from .models import Listing, Volunteer, VolunteerStatus, VolunteerTag


@dataclass(frozen=True)
class DemoListing:
    category: str
    title: str
    fee_fen: int
    duration_minutes: int
    home: bool = True
    fair: bool = False
    description: str = ""


@dataclass(frozen=True)
class DemoVolunteer:
    phone: str
    name: str
    categories: tuple[str, ...]
    grids: tuple[int, ...]  # grid numbers in the community
    bio: str
    listings: tuple[DemoListing, ...] = ()
    tags: tuple[str, ...] = ()
    status: VolunteerStatus = VolunteerStatus.approved
    show_full_name: bool = False


PARTY = "在职党员"
TEAM = "虹西志愿服务队"

VOLUNTEERS: dict[str, tuple[DemoVolunteer, ...]] = {
    "虹西社区": (
        DemoVolunteer(
            "13900000003",
            "沈林益",
            ("plumbing",),
            (1, 2),
            "水电维修志愿者，修水龙头、换水管、查线路。",
            (
                DemoListing(
                    "plumbing",
                    "修水龙头、换水管",
                    2000,
                    45,
                    description="上门修理漏水的水龙头、更换水管接头；材料按实价另付。",
                ),
            ),
            tags=(PARTY,),
        ),
        DemoVolunteer(
            "13900000101",
            "顾国良",
            ("knives",),
            (3, 4),
            "退休钳工，磨刀磨剪子几十年。",
            (
                DemoListing(
                    "knives",
                    "磨菜刀、磨剪刀",
                    0,
                    20,
                    fair=True,
                    description="事集日摆摊，也可上门；不收手工费。",
                ),
            ),
            tags=(TEAM,),
        ),
        DemoVolunteer(
            "13900000102",
            "朱秀兰",
            ("haircut",),
            (1, 5),
            "社区理发志愿者，行动不便的老人可上门。",
            (DemoListing("haircut", "老人理发", 1000, 30, fair=True),),
            tags=(TEAM,),
        ),
        DemoVolunteer(
            "13900000103",
            "陶桂芳",
            ("mending",),
            (6, 7),
            "会缝补、改衣服、换拉链。",
            (DemoListing("mending", "缝补衣物、换拉链", 500, 30, home=False, fair=True),),
        ),
        DemoVolunteer(
            "13900000104",
            "吴志强",
            ("locks",),
            (2, 3),
            "开锁换锁、配钥匙。",
            (DemoListing("locks", "修锁、换锁芯、配钥匙", 1500, 40),),
            tags=(PARTY,),
        ),
        DemoVolunteer(
            "13900000105",
            "钱德林",
            ("shoes_umbrellas",),
            (8, 9),
            "修鞋补鞋、修雨伞。",
            (DemoListing("shoes_umbrellas", "修鞋、修伞", 800, 20, home=False, fair=True),),
        ),
        DemoVolunteer(
            "13900000106",
            "徐晓东",
            ("digital",),
            (1, 2, 3),
            "大学生志愿者，教老人用智能手机；愿意公开全名。",
            (
                DemoListing(
                    "digital",
                    "教用智能手机：微信、健康码、视频通话",
                    0,
                    60,
                    fair=True,
                ),
            ),
            tags=(TEAM,),
            show_full_name=True,
        ),
        DemoVolunteer(
            "13900000107",
            "杨建华",
            ("appliance", "plumbing"),
            (4, 5),
            "家电维修师傅，小家电、热水器。",
            (DemoListing("appliance", "修电风扇、电饭煲等小家电", 3000, 60),),
        ),
        DemoVolunteer(
            "13900000120",
            "孙立新",
            ("appliance",),
            (6,),
            "想为邻居修修家电。",
            status=VolunteerStatus.pending,
        ),
    ),
    "濠北社区": (
        DemoVolunteer(
            "13900000131",
            "刘国平",
            ("knives", "haircut"),
            (1,),
            "濠北小区的老理发师。",
            (DemoListing("haircut", "理发、磨刀", 500, 30, fair=True),),
        ),
    ),
}


def _account(community: Community, spec: DemoVolunteer, password_hash: str) -> User:
    user = db.session.execute(sa.select(User).where(User.phone == spec.phone)).scalar_one_or_none()
    if user is None:
        user = User(
            community_id=community.id,
            phone=spec.phone,
            name=spec.name,
            password_hash=password_hash,
            roles=[UserRole(role=Role.resident)],
        )
        db.session.add(user)
        db.session.flush()
    return user


def office_of(community: Community) -> User | None:
    """The community's first office account (the demo's 陈主任)."""
    return db.session.execute(
        sa.select(User)
        .join(UserRole)
        .where(User.community_id == community.id, UserRole.role == Role.office)
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()


def seed(community: Community, password_hash: str) -> bool:
    """Add this community's demo volunteers and listings; True when anything was created."""
    created = False
    office = office_of(community)
    grids = {
        grid.number: grid
        for grid in db.session.execute(
            sa.select(Grid).where(Grid.community_id == community.id)
        ).scalars()
    }
    for spec in VOLUNTEERS.get(community.name, ()):
        user = _account(community, spec, password_hash)
        volunteer = db.session.execute(
            sa.select(Volunteer).where(Volunteer.user_id == user.id)
        ).scalar_one_or_none()
        if volunteer is None:
            decided = spec.status != VolunteerStatus.pending
            volunteer = Volunteer(
                user_id=user.id,
                community_id=community.id,
                status=spec.status,
                bio=spec.bio,
                show_full_name=spec.show_full_name,
                categories=[category_by_code(code) for code in spec.categories],
                grids=[grids[number] for number in spec.grids],
                tags=[VolunteerTag(tag=tag) for tag in spec.tags],
                decided_by_id=office.id if decided and office else None,
                decided_at=utcnow() if decided else None,
            )
            db.session.add(volunteer)
            db.session.flush()
            created = True
        titles = set(
            db.session.execute(
                sa.select(Listing.title).where(Listing.volunteer_id == volunteer.id)
            ).scalars()
        )
        for offer in spec.listings:
            if offer.title in titles:
                continue
            db.session.add(
                Listing(
                    volunteer_id=volunteer.id,
                    community_id=community.id,
                    category_id=category_by_code(offer.category).id,
                    title=offer.title,
                    description=offer.description,
                    fee_fen=offer.fee_fen,
                    duration_minutes=offer.duration_minutes,
                    home=offer.home,
                    fair=offer.fair,
                )
            )
            created = True
    db.session.flush()
    return created
