"""Concern pages (民情): 反映问题 for residents (big and simple, works without JavaScript), her
concerns and the public ones nearby with "me too"; the grid worker's moves, one page each; the
office's 问题清单 / 成果清单 and its handlers. The same services as the API: every form goes
through raise_concern(), transition(), to_booking(), me_too(); every button is asked of
access.allowed_actions().
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import service as accounts
from ..accounts.limits import photo_uploads, photos_sent
from ..accounts.models import Resident, Role, User
from ..bookings.photos import photo_form_body
from ..catalogue import service as catalogue
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..forms import kept_input, load_form, refusal_messages
from ..photo_uploads import photos_sent as form_photos
from ..places import clock
from ..places import service as places
from ..places.models import Building, Community, Grid
from ..validation import whole_number
from ..web import attempt, done, me, page_number, signed_in
from . import access, categories, desk, micro_grid, moving, photos, raising, reading, rules
from . import handlers as concern_handlers
from . import summary as lists
from .models import HandlerKind
from .rules import MAX_PHOTOS, Action, ConcernStatus
from .schemas import (
    ConcernCategoryPatchSchema,
    ConcernNoteSchema,
    DoneSchema,
    HandOverSchema,
    NewConcernCategorySchema,
    NewConcernSchema,
    NewHandlerSchema,
    ReportBackSchema,
    RequiredNoteSchema,
    ToBookingSchema,
)

bp = Blueprint("concerns_web", __name__)
bp.url_value_preprocessor(photo_form_body("concerns_web.create"))

PER_PAGE = 20

STATUS_CLASSES = {
    ConcernStatus.raised: "status-requested",
    ConcernStatus.accepted: "status-accepted",
    ConcernStatus.handed_over: "status-in_progress",
    ConcernStatus.in_hand: "status-in_progress",
    ConcernStatus.done: "status-completed",
    ConcernStatus.reported_back: "status-confirmed",
    ConcernStatus.closed: "status-cancelled",
}
EVENT_NAMES = {
    "raise": _l("Raised"),
    "accept": _l("Taken up by the grid"),
    "hand_over": _l("Handed over"),
    "in_hand": _l("The grid is doing it"),
    "to_booking": _l("Turned into a volunteer booking"),
    "handler_answer": _l("The handler answered"),
    "done": _l("Done"),
    "report_satisfied": _l("Reported back: satisfied"),
    "report_partly": _l("Reported back: partly solved"),
    "report_not_satisfied": _l("Reported back: not satisfied, reopened"),
    "report_unreachable": _l("Reported back: could not reach"),
    "close": _l("Closed"),
    "booking_done": _l("The volunteer booking was confirmed"),
    "booking_cancelled": _l("The volunteer booking was cancelled"),
    "escalate": _l("Not taken up for 24 hours: the grid was told"),
    "overdue": _l("Past its due date: the grid and office were told"),
}
# The staff's moves: (rules action, form schema, page title, message once done).
STAFF_ACTIONS = {
    "accept": (Action.accept, ConcernNoteSchema, _l("Take it up"), _l("Taken up.")),
    "hand-over": (
        Action.hand_over,
        HandOverSchema,
        _l("Hand it to a handler"),
        _l("Handed over. The resident has been told."),
    ),
    "in-hand": (
        Action.in_hand,
        ConcernNoteSchema,
        _l("The grid does it itself"),
        _l("Marked as in hand."),
    ),
    "to-booking": (
        Action.to_booking,
        ToBookingSchema,
        _l("Turn it into a volunteer booking"),
        _l("A volunteer booking was made for it."),
    ),
    "handler-answer": (
        Action.handler_answer,
        RequiredNoteSchema,
        _l("Record the handler's answer"),
        _l("The answer is recorded."),
    ),
    "done": (
        Action.done,
        DoneSchema,
        _l("Mark it done"),
        _l("Marked done. The resident has been told."),
    ),
    "report-back": (
        None,
        ReportBackSchema,
        _l("Record the report-back call"),
        _l("The call is recorded."),
    ),
    "close": (Action.close, ConcernNoteSchema, _l("Close it"), _l("Closed.")),
}
OUTCOME_NAMES = {
    "satisfied": _l("Satisfied"),
    "partly": _l("Partly solved"),
    "not_satisfied": _l("Not satisfied (reopen it)"),
    "unreachable": _l("Could not reach"),
}
KIND_NAMES = {
    HandlerKind.property: _l("Property management (物业)"),
    HandlerKind.street: _l("Street department"),
    HandlerKind.utility: _l("Utility (water, power, gas)"),
    HandlerKind.liaison: _l("Representatives' liaison station"),
    HandlerKind.other: _l("Other"),
}
BOARD_TITLES = {
    "new": _l("New concerns"),
    "due_soon": _l("Concerns due soon"),
    "overdue": _l("Concerns past their due date"),
    "report_back": _l("Concerns to report back"),
}


@bp.app_template_global()
def concern_status_name(status) -> str:
    return str(access.STATUS_NAMES[ConcernStatus(status)])


@bp.app_template_global()
def concern_status_class(status) -> str:
    return STATUS_CLASSES[ConcernStatus(status)]


@bp.app_template_global()
def concern_event_name(action: str) -> str:
    return str(EVENT_NAMES.get(action, action))


@bp.app_template_global()
def concern_event_note(event) -> str:
    """The event's note as people read it: report-back events recorded before the fix began
    with the raw outcome code ("satisfied · …"), which the event's name already says."""
    note = event.note or ""
    if event.action.startswith("report_"):
        for code in OUTCOME_NAMES:
            if note == code:
                return ""
            if note.startswith(f"{code} · "):
                return note[len(code) + 3 :]
    return note


@bp.app_template_global()
def concern_category_name(category_id: int) -> str:
    category = _categories().get(category_id)
    if category is None:
        return ""
    return category.name_in(str(get_locale() or "zh_CN"))


@bp.app_template_global()
def concern_board_sections(user) -> list:
    """The concerns part of the grid worker's board (grid/board.html includes it)."""
    if not user.is_authenticated or not user.is_staff:
        return []
    return [
        (key, str(BOARD_TITLES[key]), items, total)
        for key, (items, total) in desk.board(user).items()
    ]


@bp.app_template_global()
def concern_place(concern) -> str:
    return reading.place_of(concern, access.sees_people(access.viewer_of(me()), concern))


def _categories():
    from flask import g

    if "concern_category_map" not in g:
        g.concern_category_map = {
            c.id: c for c in categories.categories(me().community_id, active_only=False)
        }
    return g.concern_category_map


# --- 反映问题: raising a concern -------------------------------------------------------------


def _people(user) -> list[Resident]:
    own = accounts.own_resident(user)
    people = [own] if own is not None and own.active else []
    return people + [r for r in accounts.household(user) if r.active]


def _buildings(user: User) -> list[Building]:
    """Buildings a staff member or micro-grid helper may pick."""
    stmt = sa.select(Building).where(Building.community_id == user.community_id)
    if user.is_office:
        pass
    elif user.is_grid_worker:
        stmt = stmt.where(Building.grid_id.in_(user.grid_ids or [0]))
    elif user.has_role(Role.micro_grid_helper):
        stmt = stmt.where(Building.id.in_(access.helper_buildings(user.id) or [0]))
    else:
        return []
    return db.session.scalars(stmt.order_by(Building.compound_id, Building.id)).all()


def _new_context(user, form: dict, errors: dict) -> dict:
    people = _people(user)
    form.setdefault("request_key", secrets.token_urlsafe(16))
    form.setdefault("where", "home" if people or form.get("resident_id") else "public")
    # Her own home is chosen only when she has no family to report for (review C L11: a son
    # reporting for his mother sent it with his own flat).
    if len(people) == 1 and "for" not in form:
        form["for"] = str(people[0].id)
    return {
        "form": form,
        "errors": errors,
        "people": people,
        "buildings": _buildings(user),
        "categories": categories.categories(user.community_id),
        "max_photos": MAX_PHOTOS,
        "staff": user.is_staff,
    }


def _form_to_data(user, form: dict) -> dict:
    """The form's plain choices as the API's fields."""
    data = {
        "category": form.get("category", ""),
        "description": form.get("description", ""),
        "location_note": form.get("location_note", ""),
        "unit": form.get("unit", ""),
        "room": form.get("room", ""),
    }
    public = form.get("where") == "public"
    data["public_area"] = "true" if public else "false"
    data["private"] = "false" if public else "true"
    people = _people(user)
    chosen = next((p for p in people if str(p.id) == form.get("for")), None)
    if form.get("building_id"):
        data["building_id"] = form["building_id"]
    elif chosen is not None:
        data["building_id"] = str(chosen.building_id)
    if chosen is not None and chosen.user_id != user.id:
        data["on_behalf_of_resident_id"] = str(chosen.id)
    if user.is_staff and form.get("resident_id"):
        data["on_behalf_of_resident_id"] = form["resident_id"]
    return data


@bp.get("/concerns/new")
@signed_in
def new():
    form = {}
    if request.args.get("category"):
        form["category"] = request.args["category"]
    if request.args.get("for"):
        form["resident_id"] = request.args["for"]
    return render_template("concerns/new.html", **_new_context(me(), form, {}))


# What the new-concern form shows by its fields; a message about any other field goes on top.
_NEW_CONCERN_FIELDS = frozenset(
    {"category", "description", "location_note", "photos", "unit", "room", "building_id", "for"}
)


@bp.post("/concerns/new")
@photo_uploads
@signed_in
def create():
    user = me()
    form = kept_input()
    data, errors = load_form(NewConcernSchema, _form_to_data(user, form))
    cleaned, photo_errors = form_photos()
    errors.update(photo_errors)
    people = _people(user)
    if (
        len(people) > 1
        and form.get("where") != "public"
        and not (user.is_staff and form.get("resident_id"))
        and not any(str(p.id) == form.get("for") for p in people)
    ):
        errors["for"] = [_("Choose whose home it is.")]

    def act():
        concern = raising.raise_concern(user, data, form.get("request_key") or None)
        for photo in cleaned:
            photos.add_photo(user, concern.id, photo)
        return concern

    def again(errors: dict, _status: int):
        # The photo refusals name "photo", the form's field is "photos"; a refusal about a field
        # the form shows differently goes at the top of the form.
        errors = {("photos" if k == "photo" else k): v for k, v in errors.items()}
        for key in list(errors):
            if key not in _NEW_CONCERN_FIELDS and key != "_schema":
                errors.setdefault("_schema", []).extend(errors.pop(key))
        return render_template(
            "concerns/new.html", **_new_context(user, form, errors), photos_lost=photos_sent() > 0
        ), 422

    return attempt(
        act,
        errors=errors,
        refusals=(ValidationFailed, Conflict, Forbidden),
        status=422,
        again=again,
        then=lambda concern: done(
            _("Your concern is sent to your grid. You will be told when it is taken up."),
            url_for(".concern", concern_id=concern.id),
        ),
    )


# --- her concerns, public ones nearby, one concern -------------------------------------------


@bp.get("/concerns")
@signed_in
def my_concerns():
    viewer = access.viewer_of(me())
    page = page_number()
    mine, total = reading.concerns_for(
        viewer, scope="mine", status=None, grid_id=None, category=None, page=page, per_page=PER_PAGE
    )
    nearby, _n = reading.concerns_for(
        viewer, scope="public", status=None, grid_id=None, category=None, page=1, per_page=PER_PAGE
    )
    mine_ids = {c.id for c in mine}
    nearby = [c for c in nearby if c.id not in mine_ids and c.status in rules.OPEN_STATUSES]
    return render_template(
        "concerns/list.html",
        mine=mine,
        nearby=nearby,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        viewer=viewer,
        said={c.id for c in nearby if moving.said_me_too(c.id, viewer.id)},
    )


def _concern_context(concern_id: int) -> dict:
    user = me()
    viewer = access.viewer_of(user)
    concern = reading.visible_concern(user, concern_id, viewer)
    actions = access.allowed_actions(viewer, concern)
    resident = (
        db.session.get(Resident, concern.resident_id) if concern.resident_id is not None else None
    )
    actors = {
        u.id: u.name
        for u in db.session.execute(
            sa.select(User).where(User.id.in_({e.actor_id for e in concern.events if e.actor_id}))
        ).scalars()
    }
    return {
        "concern": concern,
        "people": access.sees_people(viewer, concern),
        "actions": actions,
        "staff_actions": [a for a in actions if a in STAFF_ACTIONS],
        "action_titles": {slug: str(v[2]) for slug, v in STAFF_ACTIONS.items()},
        "handler": concern_handlers.handler_names([concern.handler_id]).get(concern.handler_id),
        "overdue": desk.is_overdue(concern),
        "said_me_too": moving.said_me_too(concern.id, user.id),
        "actors": actors,
        "me_id": user.id,
        "staff": user.is_staff,
        "resident": resident,
        "contacts": _contacts(user, concern, resident),
    }


def _contacts(user, concern, resident) -> list[tuple[str, str, str]]:
    """Whom the grid phones (review C M4): the raiser and the resident, name and phone, for
    staff only."""
    if not user.is_staff:
        return []
    raiser = db.session.get(User, concern.raised_by_id)
    out = []
    if raiser is not None and not raiser.is_staff:
        out.append((_("Raised by"), raiser.name, raiser.phone or ""))
    if resident is not None and (raiser is None or resident.user_id != raiser.id):
        out.append((_("The resident"), resident.name, resident.phone or ""))
    return out


@bp.get("/concerns/<int:concern_id>")
@signed_in
def concern(concern_id: int):
    return render_template("concerns/concern.html", **_concern_context(concern_id))


@bp.post("/concerns/<int:concern_id>/me-too")
@signed_in
def me_too(concern_id: int):
    found = reading.load_concern(concern_id)
    if found is None:
        raise NotFound()
    moving.me_too(found, me())
    flash(_("Thank you. Your voice is added to this concern."), "success")
    target = request.form.get("back")
    if target == "list":
        return redirect(url_for(".my_concerns"), code=303)
    return redirect(url_for(".concern", concern_id=concern_id), code=303)


# --- the grid's moves, one page each ---------------------------------------------------------


def _handlers_for(user) -> list:
    try:
        return concern_handlers.handlers_of(user)
    except Forbidden:
        return []


@bp.route(
    "/concerns/<int:concern_id>/<any(accept, 'hand-over', 'in-hand', 'to-booking', "
    "'handler-answer', done, 'report-back', close):slug>",
    methods=["GET", "POST"],
)
@signed_in
def act(concern_id: int, slug: str):
    action, schema, title, done_message = STAFF_ACTIONS[slug]
    user = me()
    context = _concern_context(concern_id)  # 404 to anyone who may not see it
    form: dict = {}
    handlers = _handlers_for(user)
    if slug == "hand-over":
        # No one-tap hand-over (review C H4): the compound's own 物业 or nothing; the due date is
        # suggested beside the field, never filled in.
        suggested = concern_handlers.suggested_handler(context["concern"], handlers)
        if suggested is not None:
            form["handler_id"] = str(suggested.id)
    if slug == "to-booking":
        # What the volunteers will read: the grid worker's words, starting from the concern's.
        form["description"] = context["concern"].description
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = kept_input()
        data, errors = load_form(schema)
        found = reading.load_concern(concern_id) if not errors else None

        def move():
            if slug == "report-back":
                moving.report_back(found, user, data["outcome"], data.get("note"))
            elif slug == "to-booking":
                moving.to_booking(found, user, data)
            else:
                moving.transition(found, user, action, **data)

        return attempt(
            move,
            errors=errors,
            refusals=(DomainError,),
            again=lambda errors, status: _act_page(
                slug, title, form, errors, handlers, _concern_context(concern_id), status
            ),
            then=lambda _moved: done(done_message, url_for(".concern", concern_id=concern_id)),
        )
    if slug not in context["actions"]:
        if not user.is_staff:
            if context["people"]:
                raise Conflict(_("This cannot be done now."))
            raise Forbidden()
        # Staff get the reason on the action's own page, with the way back to the concern
        # (review C L5), not a bare error page.
        probe = action if action is not None else Action.report_satisfied
        refusal = access.refusal(access.viewer_of(user), context["concern"], probe)
        errors = {"_schema": [refusal.text() if refusal else _("This cannot be done now.")]}
        status = 409
    return _act_page(slug, title, form, errors, handlers, context, status)


def _act_page(slug: str, title, form: dict, errors: dict, handlers: list, context: dict, status):
    """A grid worker's move, one page: its form, the concern, and what refused it."""
    return (
        render_template(
            "concerns/act.html",
            slug=slug,
            title=str(title),
            form=form,
            errors=errors,
            handlers=handlers,
            suggested_due=concern_handlers.suggested_due_on(),
            outcomes={k: str(v) for k, v in OUTCOME_NAMES.items()},
            service_categories=catalogue.categories(),
            today=clock.today().isoformat(),
            **context,
        ),
        status,
    )


# --- the office: 问题清单 / 成果清单, overdue, handlers ----------------------------------------


def _require_staff():
    user = me()
    if not user.is_staff:
        raise Forbidden(_("Only grid workers and the office see the lists."))
    return user


@bp.get("/office/concerns")
@signed_in
def office_lists():
    user = _require_staff()
    today = clock.today()
    try:
        start = _date_arg("from")
        end = _date_arg("to")
        grid_id = request.args.get("grid_id", "")
        grid_id = whole_number(grid_id)
        start, end = lists.bounds(
            request.args.get("period", "month")
            if request.args.get("period") in ("month", "year")
            else "month",
            start,
            end,
            today,
        )
        result = lists.summary(user, start=start, end=end, today=today, grid_id=grid_id)
        errors = {}
    except ValidationFailed as err:
        errors = refusal_messages(err)
        start, end = lists.bounds("month", None, None, today)
        grid_id = None
        result = lists.summary(user, start=start, end=end, today=today)
    problems = lists.problems(user, start=start, end=end, grid_id=grid_id)
    community = db.session.get(Community, user.community_id)
    overdue = []
    if user.is_office:
        overdue, _total = desk.overdue_for_office(user, 1, 50)
    grids = db.session.execute(
        sa.select(Grid).where(Grid.community_id == user.community_id).order_by(Grid.number)
    ).scalars()
    query = {"from": start.isoformat(), "to": end.isoformat(), "format": "xlsx"}
    if grid_id:
        query["grid_id"] = grid_id
    return render_template(
        "concerns/office.html",
        result=result,
        errors=errors,
        start=start,
        end=end,
        grid_id=grid_id,
        grids=list(grids),
        overdue=overdue,
        handler_names=concern_handlers.handler_names({c.handler_id for c in overdue}),
        xlsx_url=url_for("concerns_api.concern_summary", **query),
        headers=[str(h) for h in lists.HEADERS],
        problems=problems,
        problem_headers=[str(h) for h in lists.PROBLEM_HEADERS],
        community=community.name if community else "",
        too_many=len(problems) >= lists.MAX_PROBLEMS,
        handler_headers=[str(h) for h in lists.HANDLER_HEADERS],
    )


def _date_arg(name: str):
    from datetime import date

    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(fields={name: [_("Enter a date like 2026-11-30.")]}) from exc


@bp.route("/office/handlers", methods=["GET", "POST"])
@signed_in
def handlers_page():
    user = me()
    if not user.is_office:
        raise Forbidden(_("Only the office keeps the handlers."))

    def page(form: dict, errors: dict, status: int = 200):
        return (
            render_template(
                "concerns/handlers.html",
                handlers=concern_handlers.handlers_of(user, include_inactive=True),
                compounds=places.compound_names(user.community_id),
                kinds={k.value: str(v) for k, v in KIND_NAMES.items()},
                form=form,
                errors=errors,
            ),
            status,
        )

    if request.method == "GET":
        return page({}, {})
    form = kept_input()
    if form.get("retire") or form.get("restore"):
        handler_id = form.get("retire") or form.get("restore")
        if handler_id.isdigit() and len(handler_id) < 10:
            concern_handlers.update_handler(
                user, int(handler_id), {"active": bool(form.get("restore"))}
            )
            flash(_("The handler is changed."), "success")
        return redirect(url_for(".handlers_page"), code=303)
    data, errors = load_form(NewHandlerSchema)
    return attempt(
        lambda: concern_handlers.create_handler(user, data),
        errors=errors,
        refusals=(DomainError,),
        again=lambda errors, status: page(form, errors, status),
        then=lambda _handler: done(_("The handler is added."), url_for(".handlers_page")),
    )


# --- the office: kinds of concern ------------------------------------------------------------


@bp.route("/office/concern-categories", methods=["GET", "POST"])
@signed_in
def categories_page():
    """The community's kinds of concern: add one, rename one in both languages, retire one or
    use it again. Never deleted (its concerns keep it)."""
    user = me()
    if not user.is_office:
        raise Forbidden(_("Only the office keeps the kinds of concern."))

    def page(form: dict, errors: dict, status: int = 200, editing: str | None = None):
        # `editing`: the code whose rename form the errors belong to
        return (
            render_template(
                "concerns/categories.html",
                categories=categories.categories(user.community_id, active_only=False),
                counts=categories.category_counts(user.community_id),
                form=form,
                errors=errors,
                editing=editing,
            ),
            status,
        )

    if request.method == "GET":
        return page({}, {})
    form = kept_input()
    code = form.get("code", "")
    target = form.get("retire") or form.get("restore")
    if target:
        return attempt(
            lambda: categories.update_category(user, target, {"active": bool(form.get("restore"))}),
            again=lambda errors, status: page(form, errors, status),
            refusals=(DomainError,),
            then=lambda _category: done(
                _("The kind of concern is used again.")
                if form.get("restore")
                else _("The kind of concern is retired: it is no longer offered."),
                url_for(".categories_page"),
            ),
        )
    data, errors = load_form(ConcernCategoryPatchSchema if code else NewConcernCategorySchema)
    return attempt(
        (lambda: categories.update_category(user, code, data))
        if code
        else (lambda: categories.create_category(user, data)),
        errors=errors,
        refusals=(DomainError,),
        again=lambda errors, status: page(form, errors, status, editing=code or None),
        then=lambda _category: done(
            _("The kind of concern is renamed.") if code else _("The kind of concern is added."),
            url_for(".categories_page"),
        ),
    )


# --- the office: micro-grid helpers (微网格员) -------------------------------------------------


def _checked_ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit() and len(v) < 10})


@bp.route("/office/micro-grid", methods=["GET", "POST"])
@signed_in
def helpers_page():
    """Appoint a resident (by the phone of her own account) as micro-grid helper for some
    buildings, change his buildings, or end the appointment."""
    user = me()
    if not user.is_office:
        raise Forbidden(_("Only the office appoints micro-grid helpers."))

    def page(form: dict, errors: dict, chosen: list[int], status: int = 200):
        return (
            render_template(
                "concerns/helpers.html",
                helpers=micro_grid.micro_grid_helpers(user),
                buildings=_buildings(user),
                compounds=places.compound_names(user.community_id),
                chosen=chosen,
                form=form,
                errors=errors,
            ),
            status,
        )

    if request.method == "GET":
        return page({}, {}, [])
    form = kept_input()
    chosen = _checked_ids(request.form.getlist("building_ids"))

    def again(errors: dict, status: int):
        return page(form, errors, chosen, status)

    if form.get("end"):
        ended = form["end"]
        if not (ended.isdigit() and len(ended) < 10):
            return redirect(url_for(".helpers_page"), code=303)
        return attempt(
            lambda: micro_grid.appoint_micro_grid_helper(user, int(ended), []),
            refusals=(DomainError,),
            again=again,
            then=lambda _ended: done(_("The appointment is ended."), url_for(".helpers_page")),
        )
    phone = form.get("phone", "").strip()
    errors: dict = {}
    if not phone:
        errors = {"phone": [_("Enter the resident's phone number.")]}
    elif not chosen:
        errors = {"building_ids": [_("Choose at least one building.")]}

    def appoint():
        resident = micro_grid.resident_with_account(user, phone)
        micro_grid.appoint_micro_grid_helper(user, resident.id, chosen)
        return resident

    return attempt(
        appoint,
        errors=errors,
        refusals=(DomainError,),
        again=again,
        then=lambda resident: done(
            _("%(name)s now helps in these buildings.", name=resident.name),
            url_for(".helpers_page"),
        ),
    )
