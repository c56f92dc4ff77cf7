"""Family and profile pages: the people I book for, who may book for me, my own details."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import Forbidden, NotFound, RateLimited, ValidationFailed
from ..extensions import db
from ..forms import kept_input, load_form
from ..places import service as places
from ..web import attempt, done, me, signed_in
from . import access, invitations, rules, service
from .managers import managers_of
from .models import Resident
from .schemas import AddressSchema, HouseholdMemberSchema, ManagerSchema

bp = Blueprint("family_web", __name__)


@bp.app_template_global()
def mask_phone(phone: str | None) -> str | None:
    """138****1234: another person's number in a list (accounts/rules.py)."""
    return rules.mask_phone(phone)


def _family_page(member_form=None, member_errors=None, manager_form=None, manager_errors=None):
    user = me()
    own = service.own_resident(user)
    managers, waiting = invitations.managers_and_invitations(own) if own else ([], [])
    return render_template(
        "accounts/family.html",
        own=own,
        members=service.household(user),
        managers=managers,
        waiting=waiting,
        invited_me=invitations.pending_for(user),
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
    return attempt(
        lambda: service.add_household_member(me(), data),
        errors=errors,
        refusals=(ValidationFailed,),
        status=422,
        again=lambda errors, _status: (
            _family_page(member_form=kept, member_errors=errors),
            422,
        ),
        then=lambda member: done(
            _("%(name)s is added. You can now book for her or him.", name=member.name),
            url_for(".family"),
        ),
    )


def _invite(resident, kept: dict):
    data, errors = load_form(ManagerSchema)
    return attempt(
        lambda: invitations.invite(me(), resident, data["phone"]),
        errors=errors,
        refusals=(ValidationFailed, Forbidden, RateLimited),
        field="phone",
        again=lambda errors, status: (
            _family_page(manager_form=kept, manager_errors=errors),
            status,
        ),
        then=lambda _invitation: done(
            _(
                "The invitation is sent. If this number has an account, its owner sees it now;"
                " if not, they can register within 7 days and accept it."
            ),
            url_for(".family"),
        ),
    )


@bp.post("/family/managers")
@signed_in
def add_manager():
    """Invite a son or daughter to book for me; the same answer whether the number exists."""
    own = service.own_resident(me())
    if own is None:
        raise NotFound()
    return _invite(own, {"phone": request.form.get("phone", "")})


@bp.post("/family/members/<int:resident_id>/invite")
@signed_in
def invite_for_member(resident_id: int):
    """A manager of a mother without an account invites her second child."""
    resident = access.visible_resident(me(), resident_id)
    return _invite(resident, {"phone": request.form.get("phone", "")})


@bp.get("/family/members/<int:resident_id>/leave")
@signed_in
def confirm_leave(resident_id: int):
    """Asked once more: one tap on the family page must not end it by mistake."""
    resident = access.visible_resident(me(), resident_id)
    if not access.manages(me(), resident):
        raise NotFound()  # staff see her too, but have nothing here to stop
    return render_template(
        "accounts/confirm.html",
        question=_("Stop booking for %(name)s?", name=resident.name),
        consequence=_(
            "You will no longer book for %(name)s or see their bookings. "
            "They can invite you again.",
            name=resident.name,
        ),
        yes=_("Stop booking for %(name)s", name=resident.name),
        action=url_for(".leave", resident_id=resident.id),
    )


@bp.post("/family/members/<int:resident_id>/leave")
@signed_in
def leave(resident_id: int):
    """I stop booking for her."""
    resident = access.visible_resident(me(), resident_id)
    invitations.remove_manager(me(), resident, me().id)
    flash(_("Done. You no longer book for %(name)s.", name=resident.name), "success")
    return redirect(url_for(".family"), code=303)


@bp.get("/family/managers/<int:user_id>/remove")
@signed_in
def confirm_remove_manager(user_id: int):
    own = service.own_resident(me())
    manager = next((m for m in (managers_of(own) if own else []) if m.id == user_id), None)
    if manager is None:
        raise NotFound()
    return render_template(
        "accounts/confirm.html",
        question=_("Stop %(name)s booking for you?", name=manager.name),
        consequence=_(
            "%(name)s will no longer book for you or see your bookings. You can invite them again.",
            name=manager.name,
        ),
        yes=_("Stop %(name)s booking for me", name=manager.name),
        action=url_for(".remove_manager", user_id=manager.id),
    )


@bp.post("/family/managers/<int:user_id>/remove")
@signed_in
def remove_manager(user_id: int):
    own = service.own_resident(me())
    if own is None:
        raise NotFound()
    invitations.remove_manager(me(), own, user_id)
    flash(_("Done. That account can no longer book for you."), "success")
    return redirect(url_for(".family"), code=303)


@bp.post("/family/invitations/<int:invitation_id>/<any(accept, decline, withdraw):answer>")
@signed_in
def answer_invitation(invitation_id: int, answer: str):
    """Accept or decline an invitation sent to my number; withdraw one I sent."""
    user = me()
    if answer == "withdraw":
        invitations.withdraw(user, invitation_id)
        flash(_("The invitation is withdrawn."), "success")
    elif answer == "accept":
        invitation = invitations.accept(user, invitation_id)
        name = db.session.get(Resident, invitation.resident_id).name
        flash(_("You can now book for %(name)s.", name=name), "success")
    else:
        invitations.decline(user, invitation_id)
        flash(_("The invitation is declined."), "success")
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
    return attempt(
        lambda: service.set_own_address(me(), data),
        errors=errors,
        refusals=(ValidationFailed,),
        again=lambda errors, _status: (
            _profile_page(address_form=kept, address_errors=errors),
            422,
        ),
        then=lambda _resident: done(_("Your address is changed."), url_for(".profile")),
    )
