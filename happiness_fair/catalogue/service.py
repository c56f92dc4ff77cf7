"""Catalogue use cases: applying to volunteer, the office's vetting, listings, the public catalogue.

Who may see what lives here too, so the API, the pages and the bookings part ask the same
questions: a volunteer's profile is public once approved; until then (and once refused or
suspended) only he and his community's office see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, lazyload, raiseload, selectinload

from .. import audit, versions
from ..accounts.models import User
from ..database import page_of, utcnow
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..notifications.service import notify
from ..places.models import Grid
from ..validation import MAX_ID
from . import rules
from .events import listing_withdrawn, volunteer_suspended
from .models import (
    Category,
    Listing,
    Volunteer,
    VolunteerStatus,
    VolunteerTag,
    volunteer_categories,
    volunteer_grids,
)

_MOVE_REFUSED = {
    rules.APPROVE: _l("Only a pending, refused or suspended volunteer can be approved."),
    rules.REFUSE: _l("Only a pending application can be refused."),
    rules.SUSPEND: _l("Only an approved volunteer can be suspended."),
}


# ---- who may see and do what ------------------------------------------------------------------


def is_office_of(user: User | None, community_id: int) -> bool:
    return user is not None and user.is_office and user.community_id == community_id


def is_staff_there(volunteer: Volunteer, community_id: int, grid_id: int | None) -> bool:
    """Is he staff where this work is (a grid worker of that grid, or office staff of that
    community)? Staff on duty earn no volunteer hours (STANDARDS.md), so there he may not take
    requests, be handed them, or run a fair stall."""
    user = volunteer.user
    if user.community_id != community_id:
        return False
    if user.is_office:
        return True
    return user.is_grid_worker and grid_id is not None and grid_id in user.grid_ids


def is_himself(user: User | None, volunteer: Volunteer) -> bool:
    return user is not None and user.id == volunteer.user_id


NOT_FOR_HIMSELF = _l("Another member of the community office decides this for your own record.")


def not_for_himself(office: User, volunteer: Volunteer) -> None:
    """Four eyes: a member of the office who volunteers is approved, credited with hours (or a
    correction of them), certified and tagged by another member, never by himself (403)."""
    if is_himself(office, volunteer):
        raise Forbidden(NOT_FOR_HIMSELF)


def can_see_volunteer(user: User | None, volunteer: Volunteer) -> bool:
    return (
        volunteer.is_approved
        or is_himself(user, volunteer)
        or is_office_of(user, volunteer.community_id)
    )


def sees_full_name(user: User | None, volunteer: Volunteer) -> bool:
    """Staff of his community and he himself always; everyone else only if he chose so."""
    if volunteer.show_full_name or is_himself(user, volunteer):
        return True
    return user is not None and user.is_staff and user.community_id == volunteer.community_id


def name_shown_to(user: User | None, volunteer: Volunteer) -> str:
    """His name as this person may see it (sees_full_name): 沈林益, or 沈** for the public."""
    return rules.public_name(volunteer.name, sees_full_name(user, volunteer))


def sees_record(user: User | None, volunteer: Volunteer) -> bool:
    """His whole volunteer record (account, grids, tags, minutes): he and his community's staff;
    everyone else sees the public card."""
    if is_himself(user, volunteer):
        return True
    return user is not None and user.is_staff and user.community_id == volunteer.community_id


def sees_decision(user: User | None, volunteer: Volunteer) -> bool:
    """Who vetted him, when and why: for him and his community's office."""
    return is_himself(user, volunteer) or is_office_of(user, volunteer.community_id)


def can_see_listing(user: User | None, listing: Listing) -> bool:
    if listing.active and listing.volunteer.is_approved:
        return True
    return is_himself(user, listing.volunteer) or is_office_of(user, listing.community_id)


# ---- loading ------------------------------------------------------------------------------------


def _get(model, object_id: int):
    if not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def volunteer_of(user: User) -> Volunteer | None:
    """The account's volunteer record, whatever its status."""
    return db.session.execute(
        sa.select(Volunteer).where(Volunteer.user_id == user.id)
    ).scalar_one_or_none()


# A volunteer's teams are the teams part's, which sits above this one and gives the look-up at
# start-up (teams.service.init_app): volunteer ids -> each one's team ids, in order.
_teams: dict[str, Callable[[list[int]], dict[int, list[int]]]] = {}


def register_teams(team_ids_of_many: Callable[[list[int]], dict[int, list[int]]]) -> None:
    """Called once at start-up by the teams part."""
    _teams["team_ids_of_many"] = team_ids_of_many


def team_ids_of(volunteer_id: int) -> list[int]:
    """The teams he belongs to (the teams part answers), read with his page's (load_team_ids)."""
    known = _known_team_ids()
    if volunteer_id not in known:
        known.update(_teams["team_ids_of_many"]([volunteer_id]))
    return known[volunteer_id]


def load_team_ids(volunteers: list[Volunteer]) -> None:
    """The teams of a page of volunteers, in one statement instead of one a volunteer."""
    wanted = [v.id for v in volunteers if v.id not in _known_team_ids()]
    if wanted:
        _known_team_ids().update(_teams["team_ids_of_many"](wanted))


def _known_team_ids() -> dict[int, list[int]]:
    """Team ids read in this transaction; forgotten once it changes a team's members."""
    return versions.memo(("team_ids",), frozenset({"team_members"}), dict)


def earned_roles(user: User) -> set[str]:
    """ "volunteer" once his record is approved: given to accounts at start-up (create_app)."""
    volunteer = volunteer_of(user)
    return {"volunteer"} if volunteer is not None and volunteer.is_approved else set()


def own_volunteer(user: User) -> Volunteer:
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise NotFound(_("You have not applied to volunteer."))
    return volunteer


def visible_volunteer(user: User | None, volunteer_id: int) -> Volunteer:
    """The volunteer, or 404 when there is none or the caller may not see him."""
    volunteer = _get(Volunteer, volunteer_id)
    if volunteer is None or not can_see_volunteer(user, volunteer):
        raise NotFound()
    return volunteer


def vettable_volunteer(user: User, volunteer_id: int) -> Volunteer:
    """A volunteer of the caller's community (404 outside it) whom only its office vets (403)."""
    volunteer = _get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.community_id != user.community_id:
        raise NotFound()
    if not user.is_office:
        raise Forbidden(_("Only the community office vets volunteers."))
    return volunteer


def approved_volunteers(community_id: int) -> list[Volunteer]:
    """The community's approved volunteers by name, every one of them, for the pages' choosers
    (a team's members, hours by hand): a paged list would leave out all after the first 100."""
    return db.session.scalars(
        sa.select(Volunteer)
        .join(User, User.id == Volunteer.user_id)
        .where(
            Volunteer.community_id == community_id,
            Volunteer.status == VolunteerStatus.approved,
        )
        .order_by(User.name, Volunteer.id)
    ).all()


def community_volunteers(
    user: User,
    *,
    status: str | None,
    grid_id: int | None,
    page: int,
    per_page: int,
    q: str | None = None,
    category: str | None = None,
) -> tuple[list[Volunteer], int]:
    """Staff look up their community's volunteers (grid workers see the approved ones only),
    by name (a substring: "沈" finds 沈林益) and skill, to find whom to hand a request to."""
    if not user.is_staff:
        raise Forbidden()
    conditions = [Volunteer.community_id == user.community_id]
    if not user.is_office:
        conditions.append(Volunteer.status == VolunteerStatus.approved)
    if status:
        conditions.append(Volunteer.status == VolunteerStatus(status))
    if grid_id is not None:
        conditions.append(_serves_grid(Volunteer.id, grid_id))
    if category:
        conditions.append(_has_skill(Volunteer.id, category_from_param(category).id))
    if q:
        conditions.append(sa.func.lower(User.name).contains(q.lower(), autoescape=True))
    stmt = (
        sa.select(Volunteer)
        .join(Volunteer.user)
        .where(*conditions)
        .order_by(Volunteer.id)
        .options(selectinload(Volunteer.pending_categories), selectinload(Volunteer.pending_grids))
    )
    return page_of(stmt, page, per_page)


# ---- applying -----------------------------------------------------------------------------------


def _categories(category_ids: list[int]) -> list[Category]:
    wanted = set(category_ids)
    found = db.session.scalars(
        sa.select(Category).where(Category.id.in_(wanted)).order_by(Category.position)
    ).all()
    if len(found) != len(wanted):
        raise ValidationFailed(fields={"category_ids": [_("No such category.")]})
    return found


def _grids(community_id: int, grid_ids: list[int]) -> list[Grid]:
    wanted = set(grid_ids)
    found = db.session.scalars(
        sa.select(Grid)
        .where(Grid.id.in_(wanted), Grid.community_id == community_id)
        .order_by(Grid.number)
    ).all()
    if len(found) != len(wanted):
        raise ValidationFailed(fields={"grid_ids": [_("No such grid in your community.")]})
    return found


def apply(user: User, data: dict) -> Volunteer:
    """An account applies to volunteer in its community; the office vets the application."""
    categories = _categories(data["category_ids"])
    grids = _grids(user.community_id, data["grid_ids"])
    if volunteer_of(user) is not None:
        raise Conflict(_("You have already applied to volunteer."))
    volunteer = Volunteer(
        user_id=user.id,
        user=user,
        community_id=user.community_id,
        status=VolunteerStatus.pending,
        bio=data.get("bio", ""),
        categories=categories,
        grids=grids,
        tags=[],
    )
    db.session.add(volunteer)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("You have already applied to volunteer.")) from exc
    return volunteer


def update_own(user: User, data: dict) -> Volunteer:
    """He changes his bio, skills, grids, or whether his full name is shown.

    Listings in a skill he no longer offers are withdrawn from the catalogue. Once vetted
    (approved or suspended), skills and grids he adds wait for the office's approval
    (`pending_category_ids`, `pending_grid_ids`) and he keeps his approved ones meanwhile.
    """
    volunteer = own_volunteer(user)
    # Once vetted, what he adds waits for the office; what he drops goes at once.
    vetted = volunteer.status in (VolunteerStatus.approved, VolunteerStatus.suspended)
    if "bio" in data:
        volunteer.bio = data["bio"]
    if "category_ids" in data:
        wanted = _categories(data["category_ids"])
        if vetted:
            held = set(volunteer.category_ids)
            volunteer.categories = [c for c in wanted if c.id in held]
            volunteer.pending_categories = [c for c in wanted if c.id not in held]
        else:
            volunteer.categories, volunteer.pending_categories = wanted, []
        db.session.execute(
            sa.update(Listing)
            .where(
                Listing.volunteer_id == volunteer.id,
                Listing.active.is_(True),
                Listing.category_id.not_in(volunteer.category_ids),
            )
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
    if "grid_ids" in data:
        wanted_grids = _grids(volunteer.community_id, data["grid_ids"])
        if vetted:
            held = set(volunteer.grid_ids)
            volunteer.grids = [g for g in wanted_grids if g.id in held]
            volunteer.pending_grids = [g for g in wanted_grids if g.id not in held]
        else:
            volunteer.grids, volunteer.pending_grids = wanted_grids, []
    if "show_full_name" in data:
        volunteer.show_full_name = data["show_full_name"]
    db.session.flush()
    return volunteer


# ---- vetting ------------------------------------------------------------------------------------


def _vet(office: User, volunteer: Volunteer, action: str, reason: str) -> Volunteer:
    """Move his status as the table allows, keeping who, when and why; audited.

    The conditional UPDATE makes two office staff deciding at once agree: the second gets 409.
    Never about one's own record (approving, refusing or suspending oneself): another member.
    """
    not_for_himself(office, volunteer)
    before = volunteer.status
    after = rules.vetting_result(before, action)
    if after is None:
        raise Conflict(_MOVE_REFUSED[action])
    decided_at = utcnow()
    moved = db.session.execute(
        sa.update(Volunteer)
        .where(Volunteer.id == volunteer.id, Volunteer.status == before)
        .values(
            status=VolunteerStatus(after),
            decided_by_id=office.id,
            decided_at=decided_at,
            decision_reason=reason,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise Conflict(_MOVE_REFUSED[action])
    db.session.refresh(volunteer, ["status", "decided_by_id", "decided_at", "decision_reason"])
    audit.record(
        f"volunteer.{action}",
        community_id=volunteer.community_id,
        actor_id=office.id,
        subject_type="volunteer",
        subject_id=volunteer.id,
        from_status=str(before),
        to_status=after,
        reason=reason,
    )
    return volunteer


def _decide_additions(office: User, volunteer: Volunteer, approved: bool, note: str) -> None:
    """The office approves (they become his) or refuses (they are dropped) the skills and grids
    an approved volunteer asked to add; audited. Never his own (another member decides)."""
    not_for_himself(office, volunteer)
    # Named as the office reads them in the audit log (the ids alone said nothing there).
    added = {
        "skills": [c.name_zh for c in volunteer.pending_categories],
        "grids": [g.name for g in volunteer.pending_grids],
    }
    if approved:
        volunteer.categories = volunteer.categories + volunteer.pending_categories
        volunteer.grids = volunteer.grids + volunteer.pending_grids
    volunteer.pending_categories, volunteer.pending_grids = [], []
    audit.record(
        "volunteer.additions_approved" if approved else "volunteer.additions_refused",
        community_id=volunteer.community_id,
        actor_id=office.id,
        subject_type="volunteer",
        subject_id=volunteer.id,
        reason=note,
        **added,
    )
    db.session.flush()


def approve(office: User, volunteer: Volunteer, note: str = "") -> Volunteer:
    """Approve an application, reinstate a suspended volunteer, or approve a refused one; and
    the skills and grids he asked to add since he was approved. Never one's own: a member of
    the office who volunteers is vetted by another (he would enter old people's homes on his
    own word)."""
    if volunteer.has_pending_additions and volunteer.status == VolunteerStatus.approved:
        _decide_additions(office, volunteer, True, note)
        return volunteer
    if volunteer.has_pending_additions:
        _decide_additions(office, volunteer, True, note)
    return _vet(office, volunteer, rules.APPROVE, note)


def refuse(office: User, volunteer: Volunteer, reason: str) -> Volunteer:
    """Refuse an application; or, for an approved volunteer, the skills and grids he asked to
    add (he stays approved with the ones he had)."""
    if volunteer.has_pending_additions and volunteer.status == VolunteerStatus.approved:
        _decide_additions(office, volunteer, False, reason)
        return volunteer
    return _vet(office, volunteer, rules.REFUSE, reason)


def suspend(office: User, volunteer: Volunteer, reason: str) -> Volunteer:
    """He stops publishing and taking jobs at once; his jobs are handed back by the receivers of
    volunteer_suspended (bookings/people.py)."""
    _vet(office, volunteer, rules.SUSPEND, reason)
    volunteer_suspended.send(volunteer, actor=office)
    return volunteer


def set_tags(office: User, volunteer: Volunteer, tags: list[str]) -> Volunteer:
    """The office's tags (在职党员, a volunteer team) replace the old ones; audited."""
    not_for_himself(office, volunteer)
    wanted = sorted(set(tags))
    kept = {t.tag: t for t in volunteer.tags if t.tag in wanted}
    volunteer.tags = [kept.get(tag) or VolunteerTag(tag=tag) for tag in wanted]
    audit.record(
        "volunteer.tags",
        community_id=volunteer.community_id,
        actor_id=office.id,
        subject_type="volunteer",
        subject_id=volunteer.id,
        tags=wanted,
    )
    db.session.flush()
    return volunteer


# ---- listings -----------------------------------------------------------------------------------


def _require_skill(volunteer: Volunteer, category_id: int) -> None:
    if category_id not in volunteer.category_ids:
        raise ValidationFailed(fields={"category_id": [_("Choose one of your own skills.")]})


def _apply_modes(listing: Listing, modes: list[str]) -> None:
    listing.home = "home" in modes
    listing.fair = "fair" in modes


def create_listing(user: User, data: dict) -> Listing:
    """An approved volunteer publishes a service in one of his skills."""
    volunteer = volunteer_of(user)
    if volunteer is None or not volunteer.is_approved:
        raise Forbidden(_("Only approved volunteers can publish services."))
    _require_skill(volunteer, data["category_id"])
    listing = Listing(
        volunteer_id=volunteer.id,
        volunteer=volunteer,
        community_id=volunteer.community_id,
        category_id=data["category_id"],
        title=data["title"],
        description=data.get("description", ""),
        fee_fen=data["fee_fen"],
        duration_minutes=data["duration_minutes"],
        active=True,
    )
    _apply_modes(listing, data["modes"])
    db.session.add(listing)
    db.session.flush()
    return listing


def own_listings(user: User) -> list[Listing]:
    """All of his listings, in the catalogue or paused, for his own page."""
    volunteer = own_volunteer(user)
    return db.session.scalars(
        sa.select(Listing)
        .where(Listing.volunteer_id == volunteer.id)
        .order_by(Listing.active.desc(), Listing.id)
    ).all()


def visible_listing(user: User | None, listing_id: int) -> Listing:
    """The listing, or 404 when there is none or it is withdrawn and not the caller's to see."""
    if not 0 < listing_id <= MAX_ID:
        raise NotFound()
    listing = db.session.execute(
        sa.select(Listing)
        .where(Listing.id == listing_id)
        # Inner joins (every listing has a volunteer with an account): SQLite turns the nested
        # outer join into a scan of every volunteer of the district. His skills, grids, tags and
        # the account's roles load only if asked for (changing a listing checks his skills).
        .options(
            joinedload(Listing.volunteer, innerjoin=True).options(
                joinedload(Volunteer.user).options(
                    lazyload(User.roles), lazyload(User.staff_grids)
                ),
                lazyload(Volunteer.categories),
                lazyload(Volunteer.grids),
                lazyload(Volunteer.tags),
            )
        )
    ).scalar_one_or_none()
    if listing is None or not can_see_listing(user, listing):
        raise NotFound()
    return listing


def listing_once_offered(listing_id: int) -> bool:
    """A listing that exists but is no longer in the catalogue (withdrawn by the office, paused
    by its volunteer, or its volunteer suspended): a page says so instead of "not found"."""
    return 0 < listing_id <= MAX_ID and db.session.get(Listing, listing_id) is not None


def update_listing(user: User, listing: Listing, data: dict) -> Listing:
    """Only its volunteer, while he is approved, changes a listing (or reopens a withdrawn one)."""
    volunteer = listing.volunteer
    if not is_himself(user, volunteer) or not volunteer.is_approved:
        raise Forbidden(_("Only its approved volunteer can change this service."))
    for key in ("category_id", "title", "description", "fee_fen", "duration_minutes", "active"):
        if key in data:
            setattr(listing, key, data[key])
    if "modes" in data:
        _apply_modes(listing, data["modes"])
    if listing.active:
        _require_skill(volunteer, listing.category_id)
    db.session.flush()
    return listing


def withdraw_listing(user: User, listing: Listing) -> None:
    """Its volunteer or his community's office takes a listing out of the catalogue."""
    by_office = is_office_of(user, listing.community_id)
    if not (is_himself(user, listing.volunteer) or by_office):
        raise Forbidden(_("Only its volunteer or the community office can withdraw this service."))
    listing.active = False
    if by_office and not is_himself(user, listing.volunteer):
        audit.record(
            "listing.withdraw",
            community_id=listing.community_id,
            actor_id=user.id,
            subject_type="listing",
            subject_id=listing.id,
        )


def withdraw_listing_by_office(user: User, listing: Listing, reason: str) -> Listing:
    """The office takes a listing out of the catalogue with a reason its volunteer is told; its
    requested bookings become open requests. 403: not its community's office; 409: already
    withdrawn."""
    if not is_office_of(user, listing.community_id):
        raise Forbidden(_("Only the community office can do this."))
    if not listing.active:
        raise Conflict(_("This service is already withdrawn."))
    listing.active = False
    audit.record(
        "listing.withdraw",
        community_id=listing.community_id,
        actor_id=user.id,
        subject_type="listing",
        subject_id=listing.id,
    )
    notify(listing.volunteer.user_id, "listing_withdrawn", title=listing.title, reason=reason)
    db.session.flush()
    listing_withdrawn.send(listing, actor=user, reason=reason)
    return listing


# ---- the public catalogue -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category as pages and answers show it; kept in memory while the categories' version
    in the database stays the same (versions.py)."""

    id: int
    code: str
    name_zh: str
    name_en: str
    position: int


def _read_categories() -> tuple[CategoryInfo, ...]:
    rows = db.session.execute(
        sa.select(
            Category.id, Category.code, Category.name_zh, Category.name_en, Category.position
        ).order_by(Category.position, Category.id)
    )
    return tuple(CategoryInfo(*row) for row in rows)


def categories() -> tuple[CategoryInfo, ...]:
    """The shared categories in display order: read once per process and version."""
    return versions.cached(versions.CATEGORIES, "all", _read_categories)


def category_from_param(value: str) -> CategoryInfo:
    """A category named by its code (plumbing) or its id (3)."""
    if value.isascii() and value.isdigit():
        category = next((c for c in categories() if c.id == int(value)), None)
    else:
        category = next((c for c in categories() if c.code == value), None)
    if category is None:
        raise ValidationFailed(fields={"category": [_("No such category.")]})
    return category


def _has_skill(volunteer_id_column, category_id: int):
    return sa.exists().where(
        volunteer_categories.c.volunteer_id == volunteer_id_column,
        volunteer_categories.c.category_id == category_id,
    )


def _serves_grid(volunteer_id_column, grid_id: int):
    return sa.exists().where(
        volunteer_grids.c.volunteer_id == volunteer_id_column,
        volunteer_grids.c.grid_id == grid_id,
    )


def catalogue(
    viewer: User | None,
    *,
    community_id: int | None = None,
    category: str | None = None,
    mode: str | None = None,
    grid_id: int | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Listing], int]:
    """Active listings of approved volunteers, busiest volunteers first; (page, total).

    A signed-in caller sees his own community unless he names another. The text search is a
    case-insensitive substring match (Chinese has no word breaks: "水龙头" finds "修水龙头").
    """
    if community_id is None and viewer is not None:
        community_id = viewer.community_id
    conditions = [Listing.active.is_(True), Volunteer.status == VolunteerStatus.approved]
    if community_id is not None:
        conditions.append(Listing.community_id == community_id)
    if category:
        conditions.append(Listing.category_id == category_from_param(category).id)
    if mode == "home":
        conditions.append(Listing.home.is_(True))
    elif mode == "fair":
        conditions.append(Listing.fair.is_(True))
    if grid_id is not None:
        conditions.append(_serves_grid(Listing.volunteer_id, grid_id))
    if q:
        needle = q.lower()
        conditions.append(
            sa.or_(
                sa.func.lower(Listing.title).contains(needle, autoescape=True),
                sa.func.lower(Listing.description).contains(needle, autoescape=True),
            )
        )
    # One query for the page: the volunteer and his account come in the same join; his skills,
    # grids, tags and roles are not shown here and must not be loaded row by row.
    return page_of(
        sa.select(Listing)
        .join(Listing.volunteer)
        .join(Volunteer.user)
        .where(*conditions)
        .options(
            contains_eager(Listing.volunteer).options(
                contains_eager(Volunteer.user).options(
                    raiseload(User.roles), raiseload(User.staff_grids)
                ),
                raiseload(Volunteer.categories),
                raiseload(Volunteer.grids),
                raiseload(Volunteer.tags),
            )
        )
        .order_by(Volunteer.completed_count.desc(), Listing.id),
        page,
        per_page,
    )
