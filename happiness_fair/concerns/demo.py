"""Demo concerns after the newspaper report (提、交、落、回), and the handlers who act on them.

- 152幢, grid 1 of 虹西社区: water leaking into 王秀英's flat from above; her son 李明 raised
  it, 顾网格 handed it to 虹桥东村物业, who fixed the pipe; reported back, satisfied. (A concern
  of its own, beside the demo's open 152幢 booking, which stays as it is.)
- 濠北社区: a charging pile that does not charge, handed to the street's 城管科, past its due
  date and escalated.
- A patrol finding: gas cylinders stored unsafely in a street-front restaurant, with photos.
- A public concern (a dark street lamp) with a neighbour's "me too".

Idempotent: each demo concern is known by its raiser's idempotency key.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from ..accounts.models import Resident, Role, User, UserRole
from ..database import utcnow
from ..extensions import db
from ..places.clock import today
from ..places.models import Building, Community, Compound
from .categories import category_by_code
from .models import (
    Concern,
    ConcernMeToo,
    ConcernPhoto,
    Handler,
    HandlerKind,
    MicroGridBuilding,
    record_event,
)
from .rules import ConcernStatus, Outcome

S = ConcernStatus

HONGXI_HANDLERS = (
    ("虹桥东村物业", HandlerKind.property, "虹桥东村", "物业刘经理", "0513-85550101"),
    ("虹桥西村物业", HandlerKind.property, "虹桥西村", "物业孙经理", "0513-85550102"),
    ("虹西新苑物业", HandlerKind.property, "虹西新苑", "物业吴经理", "0513-85550103"),
    ("虹桥街道城管科", HandlerKind.street, None, "城管科钱科长", "0513-85550201"),
    ("虹桥街道安监办", HandlerKind.street, None, "安监办郑主任", "0513-85550202"),
    ("南通自来水公司", HandlerKind.utility, None, "客服", "0513-85550301"),
    ("崇川供电所", HandlerKind.utility, None, "客服", "0513-85550302"),
    ("南通燃气公司", HandlerKind.utility, None, "客服", "0513-85550303"),
    ("虹桥街道人大代表联络站", HandlerKind.liaison, None, "联络员冯老师", "0513-85550401"),
)
HAOBEI_HANDLERS = (
    ("濠北小区物业", HandlerKind.property, "濠北小区", "物业何经理", "0513-85560101"),
    ("和平桥街道城管科", HandlerKind.street, None, "城管科许科长", "0513-85560201"),
    ("和平桥街道人大代表联络站", HandlerKind.liaison, None, "联络员席书记", "0513-85560401"),
)


@dataclass
class Step:
    action: str
    to: ConcernStatus
    days_ago: float
    actor_phone: str | None
    note: str = ""


@dataclass
class DemoConcern:
    key: str
    community: str
    raiser_phone: str
    category: str
    description: str
    compound: str
    building: str | None
    resident: str | None = None
    unit: str = ""
    room: str = ""
    public_area: bool = False
    location_note: str = ""
    source: str = "resident"
    days_ago: float = 1
    steps: list[Step] = field(default_factory=list)
    handler: str | None = None
    due_in_days: int | None = None
    done_by: str = ""
    done_note: str = ""
    outcome: Outcome | None = None
    report_note: str = ""
    escalated: bool = False
    overdue_reported: bool = False
    photos: tuple[tuple[str, tuple[int, int, int]], ...] = ()
    me_too_phones: tuple[str, ...] = ()


GRID1, OFFICE = "13900000002", "13900000001"
HAOBEI_OFFICE = "13900000011"


def _concerns() -> tuple[DemoConcern, ...]:
    return (
        DemoConcern(
            key="demo-concern-152-leak",
            community="虹西社区",
            raiser_phone="13900000005",  # 李明, for his mother
            category="leaks_pipes",
            description="群里有社区的工作人员吗？我妈家卫生间天花板漏水，应该是楼上水管的问题，"
            "能不能协调解决一下？",
            compound="虹桥东村",
            building="152幢",
            resident="王秀英",
            unit="2",
            room="301",
            days_ago=9,
            steps=[
                Step("accept", S.accepted, 9 - 0.02, GRID1, "网格员第一时间回复"),
                Step("hand_over", S.handed_over, 9 - 0.05, GRID1, "虹桥东村物业 · 上门检修"),
                Step(
                    "handler_answer",
                    S.handed_over,
                    8,
                    GRID1,
                    "物业：已上门查看，楼上402室进水管渗漏",
                ),
                Step("done", S.done, 6, GRID1, "物业更换了402室进水管，301室天花板已不再滴水"),
                Step("report_satisfied", S.reported_back, 5, GRID1, "satisfied · 王阿姨说谢谢物业"),
            ],
            handler="虹桥东村物业",
            due_in_days=-6,  # due three days after the hand-over; done in time
            done_by="虹桥东村物业",
            done_note="物业更换了402室进水管，301室天花板已不再滴水",
            outcome=Outcome.satisfied,
            report_note="王阿姨说谢谢物业",
        ),
        DemoConcern(
            key="demo-concern-haobei-charging",
            community="濠北社区",
            raiser_phone=HAOBEI_OFFICE,
            category="parking_charging",
            description="改造后新装的电动车充电桩不好充电，扫码后一直不通电。",
            compound="濠北小区",
            building="3幢",
            resident="钱阿姨",
            public_area=True,
            location_note="3幢北侧车棚充电桩",
            source="staff",
            days_ago=12,
            steps=[
                Step("accept", S.accepted, 12 - 0.1, HAOBEI_OFFICE),
                Step(
                    "hand_over",
                    S.handed_over,
                    11,
                    HAOBEI_OFFICE,
                    "和平桥街道城管科 · 检查充电桩线路",
                ),
                Step("handler_answer", S.handed_over, 8, HAOBEI_OFFICE, "城管科：已联系充电桩厂家"),
                Step("overdue", S.handed_over, 3, None, "和平桥街道城管科 · 过期未办结"),
            ],
            handler="和平桥街道城管科",
            due_in_days=-4,
            escalated=True,
            overdue_reported=True,
        ),
        DemoConcern(
            key="demo-concern-gas-patrol",
            community="虹西社区",
            raiser_phone=GRID1,
            category="fire_gas",
            description="网格巡查：沿街饭店后厨煤气罐存放超标（5只），靠近灶台，存在安全隐患。"
            "已提醒老板，建议改用电或管道天然气。",
            compound="虹桥东村",
            building="155幢",
            public_area=True,
            location_note="155幢楼下沿街饭店后厨",
            source="patrol",
            days_ago=2,
            steps=[
                Step("accept", S.accepted, 2 - 0.01, GRID1),
                Step("hand_over", S.handed_over, 2 - 0.02, GRID1, "虹桥街道安监办 · 督促整改"),
            ],
            handler="虹桥街道安监办",
            due_in_days=5,
            photos=(("煤气罐 1", (180, 70, 40)), ("煤气罐 2", (60, 90, 160))),
        ),
        DemoConcern(
            key="demo-concern-street-lamp",
            community="虹西社区",
            raiser_phone="13900000004",  # 张奶奶
            category="facilities",
            description="148幢到150幢之间的路灯坏了好几天，晚上出门看不清路。",
            compound="虹桥东村",
            building="150幢",
            resident="张奶奶",
            public_area=True,
            location_note="148幢到150幢之间的小路",
            days_ago=0.5,
            me_too_phones=("13900000003",),  # 沈林益 lives in 147幢: "me too"
        ),
    )


def _photo(label: str, colour: tuple[int, int, int]) -> bytes:
    """A plain picture standing in for a patrol photo (made up, as the demo's names are)."""
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    for n in range(5):
        x = 40 + n * 85
        draw.rounded_rectangle((x, 120, x + 60, 300), radius=18, fill=(230, 230, 230))
    draw.text((20, 20), label.encode("ascii", "ignore").decode() or "photo", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _one(stmt):
    return db.session.execute(stmt).scalar_one_or_none()


def _handlers(community: Community, rows) -> dict[str, Handler]:
    out = {}
    for name, kind, compound_name, contact, phone in rows:
        handler = _one(
            sa.select(Handler).where(Handler.community_id == community.id, Handler.name == name)
        )
        if handler is None:
            compound = (
                _one(
                    sa.select(Compound).where(
                        Compound.community_id == community.id, Compound.name == compound_name
                    )
                )
                if compound_name
                else None
            )
            handler = Handler(
                community_id=community.id,
                name=name,
                kind=kind,
                compound_id=compound.id if compound else None,
                contact_name=contact,
                contact_phone=phone,
            )
            db.session.add(handler)
            db.session.flush()
        out[name] = handler
    return out


def _ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def _make(spec: DemoConcern, community: Community, handlers: dict[str, Handler]) -> bool:
    raiser = _one(sa.select(User).where(User.phone == spec.raiser_phone))
    if raiser is None or _one(
        sa.select(Concern.id).where(
            Concern.raised_by_id == raiser.id, Concern.idempotency_key == spec.key
        )
    ):
        return False
    compound = _one(
        sa.select(Compound).where(
            Compound.community_id == community.id, Compound.name == spec.compound
        )
    )
    building = _one(
        sa.select(Building).where(
            Building.compound_id == compound.id, Building.name == spec.building
        )
    )
    resident = (
        _one(
            sa.select(Resident).where(
                Resident.community_id == community.id, Resident.name == spec.resident
            )
        )
        if spec.resident
        else None
    )
    now = utcnow()
    created = _ago(now, spec.days_ago)
    handler = handlers.get(spec.handler) if spec.handler else None
    times = {step.action: _ago(now, step.days_ago) for step in spec.steps}
    status = spec.steps[-1].to if spec.steps else S.raised
    concern = Concern(
        status=status,
        community_id=community.id,
        grid_id=building.grid_id,
        category_id=category_by_code(community.id, spec.category).id,
        description=spec.description,
        building_id=building.id,
        compound_id=compound.id,
        unit=spec.unit,
        room=spec.room,
        location_note=spec.location_note,
        public_area=spec.public_area,
        private=not spec.public_area,
        source=spec.source,
        raised_by_id=raiser.id,
        resident_id=resident.id if resident else None,
        handler_id=handler.id if handler else None,
        due_on=today() + timedelta(days=spec.due_in_days) if spec.due_in_days is not None else None,
        escalated=spec.escalated,
        escalated_at=times.get("overdue"),
        overdue_reported_at=times.get("overdue") if spec.overdue_reported else None,
        done_note=spec.done_note,
        done_by=spec.done_by,
        outcome=spec.outcome,
        report_note=spec.report_note,
        raised_clock_at=created,
        accepted_at=times.get("accept"),
        handed_over_at=times.get("hand_over"),
        done_at=times.get("done"),
        reported_back_at=times.get("report_satisfied"),
        created_at=created,
        idempotency_key=spec.key,
    )
    db.session.add(concern)
    db.session.flush()
    record_event(concern.id, "raise", S.raised, actor_id=raiser.id, at=created)
    before = S.raised
    for step in spec.steps:
        actor = _one(sa.select(User.id).where(User.phone == step.actor_phone))
        record_event(
            concern.id,
            step.action,
            step.to,
            from_status=before,
            actor_id=actor if step.actor_phone else None,
            note=step.note,
            at=_ago(now, step.days_ago),
        )
        before = step.to
    for label, colour in spec.photos:
        db.session.add(
            ConcernPhoto(
                concern_id=concern.id,
                uploaded_by_id=raiser.id,
                content_type="image/jpeg",
                data=_photo(label, colour),
                created_at=created,
            )
        )
    concern.photo_count = len(spec.photos)
    for phone in spec.me_too_phones:
        user_id = _one(sa.select(User.id).where(User.phone == phone))
        if user_id is not None:
            db.session.add(ConcernMeToo(concern_id=concern.id, user_id=user_id, created_at=now))
            concern.me_too_count += 1
    db.session.flush()
    return True


# 陶建华 (13900000007) of 151幢 serves his own and the two buildings beside it (微网格员).
HELPER_PHONE, HELPER_BUILDINGS = "13900000007", ("150幢", "151幢", "152幢")


def _helper(community: Community) -> bool:
    """The demo's micro-grid helper, appointed by the office; True when newly appointed."""
    user = _one(sa.select(User).where(User.phone == HELPER_PHONE))
    if user is None or user.has_role(Role.micro_grid_helper):
        return False
    db.session.add(UserRole(user_id=user.id, role=Role.micro_grid_helper))
    for building in db.session.execute(
        sa.select(Building)
        .join(Compound)
        .where(
            Compound.community_id == community.id,
            Compound.name == "虹桥东村",
            Building.name.in_(HELPER_BUILDINGS),
        )
    ).scalars():
        db.session.add(MicroGridBuilding(user_id=user.id, building_id=building.id))
    db.session.flush()
    return True


def seed(hongxi: Community, haobei: Community) -> bool:
    """The handlers of both communities, the report's concerns and the micro-grid helper; True
    when anything new."""
    appointed = _helper(hongxi)
    before = db.session.execute(sa.select(sa.func.count()).select_from(Handler)).scalar_one()
    handlers = {
        "虹西社区": _handlers(hongxi, HONGXI_HANDLERS),
        "濠北社区": _handlers(haobei, HAOBEI_HANDLERS),
    }
    after = db.session.execute(sa.select(sa.func.count()).select_from(Handler)).scalar_one()
    communities = {"虹西社区": hongxi, "濠北社区": haobei}
    made = [_make(c, communities[c.community], handlers[c.community]) for c in _concerns()]
    return appointed or after > before or any(made)
