"""Family and profile pages: the people I book for, who may book for me, my own details."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..forms import kept_input, load_form, refusal_messages
from ..places import service as places
from ..web import me, signed_in
from . import service
from .managers import managers_of
from .schemas import AddressSchema, HouseholdMemberSchema, ManagerSchema

bp = Blueprint("family_web", __name__)


def _family_page(member_form=None, member_errors=None, manager_form=None, manager_errors=None):
    user = me()
    own = service.own_resident(user)
    return render_template(
        "accounts/family.html",
        own=own,
        members=service.household(user),
        managers=managers_of(own) if own is not None else [],
        buildings=places.buildings_of(user.community_id),
        member_form=member_form or {},
        member_errors=member_errors or {},
        manager_form=manager_form or {},
        manager_errors=manager_errors or {},
    )


@bp.get("/family")
@signed_in
def family():
    return _family_page()


@bp.post("/family/members")
@signed_in
def add_member():
    kept = kept_input()
    data, errors = load_form(HouseholdMemberSchema)
    if not errors:
        try:
            member = service.add_household_member(me(), data)
        except ValidationFailed as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(
                _("%(name)s is added. You can now book for her or him.", name=member.name),
                "success",
            )
            return redirect(url_for(".family"), code=303)
    return _family_page(member_form=kept, member_errors=errors), 422


@bp.post("/family/managers")
@signed_in
def add_manager():
    kept = {"phone": request.form.get("phone", "")}
    data, errors = load_form(ManagerSchema)
    own = service.own_resident(me())
    if own is None:
        raise NotFound()
    if not errors:
        try:
            manager = service.add_manager(me(), own, data["phone"])
        except (ValidationFailed, Conflict, Forbidden) as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("%(name)s can now book for you.", name=manager.name), "success")
            return redirect(url_for(".family"), code=303)
    return _family_page(manager_form=kept, manager_errors=errors), 422


@bp.post("/family/managers/<int:user_id>/remove")
@signed_in
def remove_manager(user_id: int):
    own = service.own_resident(me())
    if own is None:
        raise NotFound()
    service.remove_manager(me(), own, user_id)
    flash(_("Done. That account can no longer book for you."), "success")
    return redirect(url_for(".family"), code=303)


def _profile_page(errors=None, address_form=None, address_errors=None):
    user = me()
    own = service.own_resident(user)
    if address_form is None and own is not None:
        address_form = {"building_id": str(own.building_id), "unit": own.unit, "room": own.room}
    return render_template(
        "accounts/profile.html",
        own=own,
        errors=errors or {},
        form={},
        buildings=places.buildings_of(user.community_id),
        address_form=address_form or {},
        address_errors=address_errors or {},
    )


@bp.get("/profile")
@signed_in
def profile():
    return _profile_page()


@bp.post("/profile/address")
@signed_in
def change_address():
    """She moved within the community (her grid follows the new building; past bookings keep
    the grid they had), or gives an address she did not give when registering."""
    kept = kept_input()
    data, errors = load_form(AddressSchema)
    if not errors:
        try:
            service.set_own_address(me(), data)
        except ValidationFailed as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("Your address is changed."), "success")
            return redirect(url_for(".profile"), code=303)
    return _profile_page(address_form=kept, address_errors=errors), 422
