"""Accounts, residents and families over JSON (API.md "Accounts", "Residents and families")."""

from __future__ import annotations

import json

from flask import current_app, g
from flask_login import current_user

from ..api import examples
from ..api.base import ApiBlueprint, list_schema, login_required
from ..database import long_statements
from ..errors import Forbidden
from ..extensions import limiter
from . import access, invitations, limits, security, service, totp
from .models import User
from .schemas import (
    AddressSchema,
    ExportSchema,
    HouseholdMemberSchema,
    InvitedSchema,
    ManagerSchema,
    ManagersSchema,
    MyInvitationSchema,
    NewResidentSchema,
    OtpSchema,
    PasswordChangeSchema,
    PasswordConfirmSchema,
    RecoveryCodesSchema,
    RegisterSchema,
    ResetCodeSchema,
    ResetSchema,
    ResidentPatchSchema,
    ResidentSchema,
    StaffSchema,
    TokenRequestSchema,
    TokenSchema,
    TotpEnrolmentSchema,
    TotpStatusSchema,
    UserSchema,
    VerifyAgeSchema,
)

blp = ApiBlueprint("accounts_api", __name__, description="Accounts, residents and families")

AUTH_ERRORS = (400, 422, 429)


def user_view(user: User) -> dict:
    """The account as API.md shows it; "volunteer" is a role once his record is approved."""
    return {
        "id": user.id,
        "name": user.name,
        "phone": user.phone,
        "community_id": user.community_id,
        "roles": service.roles_of(user),
    }


@blp.post("/auth/register")
@blp.doc(operationId="registerAccount")
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@blp.errors(400, 409, 422, 429)
@limiter.limit(limits.REGISTER_PER_ADDRESS, methods=["POST"])
@limits.registrations_of_taken_numbers
def register(data):
    """Sign up with a mobile number and a password.

    Who: anyone. With an address (`building_id`, `unit`, `room`) the person also gets a resident
    record there; without one (a son who lives elsewhere) `community_id` is required.

    - 409: the phone is already registered (the clear answer residents need); such answers count
      toward 5 an hour per address.
    - 422: a field is invalid (phone not 11 digits starting with 1, password under 8 characters,
      no community or address, an unknown building).
    - 429: more than 5 "already registered" answers, or 20 sign-ups, from this address in an
      hour."""
    return user_view(service.register(data))


@blp.post("/auth/tokens")
@blp.doc(operationId="createToken")
@blp.arguments(TokenRequestSchema, example=examples.SIGN_IN)
@blp.response(201, TokenSchema, example=examples.TOKEN)
@blp.errors(400, 401, 422, 429)
@limits.sign_in
def create_token(data):
    """Sign in: exchange phone and password for a bearer token.

    Who: anyone with an account. The token is stored hashed and can be revoked
    (`revokeToken`). A staff account with two-step sign-in on also needs `otp`: the
    authenticator's code or an unused recovery code.

    - 401: wrong phone or password (`unauthenticated`), or the one-time code is missing or wrong
      (`otp_required`).
    - 422: a field is missing or malformed.
    - 429: too many failed attempts from this address, or for this phone from this address."""
    user = service.authenticate(data["phone"], data["password"], data.get("otp"))
    token = security.open_auth_session(user, "api", label=data.get("label", ""))
    return {"token": token, "user": user_view(user)}


@blp.delete("/auth/tokens/current")
@blp.doc(operationId="revokeToken")
@blp.response(204)
@blp.errors(401)
@login_required
def revoke_token():
    """Sign out: the token this request came with stops working.

    Who: any signed-in caller (with the browser session, that session ends).

    - 401: no or bad credentials."""
    token = g.get("api_token")
    if token:
        security.end_auth_session(token)
    else:
        security.sign_out()


@blp.post("/auth/reset")
@blp.doc(operationId="resetPassword")
@blp.arguments(ResetSchema)
@blp.response(204)
@blp.errors(400, 401, 422, 429)
@limiter.limit(limits.RESET_PER_ADDRESS, methods=["POST"])
@limits.wrong_reset_codes
def reset(data):
    """Set a new password with a one-time code from staff.

    Who: anyone holding a code from `issueResetCode` (grid worker or office). Every session and
    token of the account ends.

    - 401: the phone and code do not match, or the code has expired or been used.
    - 422: the new password is too short, or a field is missing.
    - 429: too many attempts from this address, or five wrong codes for this phone from it in
      an hour (a wrong code never invalidates the right one)."""
    service.reset_password(data["phone"], data["code"], data["new_password"])


@blp.post("/me/password")
@blp.doc(operationId="changePassword")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.errors(400, 401, 422, 429)
@limiter.limit(
    limits.PASSWORD_CHANGE_PER_ADDRESS,
    deduct_when=lambda response: response.status_code == 422,
    methods=["POST"],
)
@limits.password_checks
@login_required
def change_password(data):
    """Change my password.

    Who: any signed-in caller. Every other web session and token of the account ends; the one this
    request came with stays signed in.

    - 422: the current password is wrong, or the new one is too short.
    - 429: too many wrong current passwords from this address."""
    service.change_password(
        security.me(),
        data["current_password"],
        data["new_password"],
        keep_token=security.current_token(),
    )


@blp.get("/me/export")
@blp.doc(operationId="exportMyData")
@blp.response(200, ExportSchema)
@blp.errors(401)
@login_required
def export_my_data():
    """Download everything held about me (a JSON file).

    Who: any signed-in caller, about himself only: account, resident records, bookings made and
    received, jobs done as a volunteer, notifications."""
    long_statements()  # everything about one person, however long her history
    body = json.dumps(service.export_own_data(security.me()), ensure_ascii=False, indent=1)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="happiness-fair-my-data.json"'
    return response


@blp.delete("/me")
@blp.doc(operationId="deleteMyAccount")
@blp.arguments(PasswordConfirmSchema)
@blp.response(204)
@blp.errors(400, 401, 422, 429)
@limits.password_checks
@login_required
def delete_my_account(data):
    """Delete my account (cannot be undone).

    Who: any signed-in caller, with his password again. Name, phone, birth date and flat are
    erased and every session ends; bookings stay in the statistics without personal data, and
    volunteer hours stay in the rankings as an anonymous volunteer.

    - 422: the password is wrong."""
    service.erase_own_data(security.me(), data["password"])


@blp.get("/me/totp")
@blp.doc(operationId="getTwoStepStatus")
@blp.response(200, TotpStatusSchema)
@blp.errors(401)
@login_required
def totp_status():
    """Is two-step sign-in on, and how many recovery codes are left.

    Who: any signed-in caller."""
    user = security.me()
    left = totp.recovery_codes_left(user) if user.totp_enabled else 0
    return {"enabled": user.totp_enabled, "recovery_codes_left": left}


@blp.post("/me/totp")
@blp.doc(operationId="beginTwoStepSetup")
@blp.response(201, TotpEnrolmentSchema)
@blp.errors(401, 403, 409)
@login_required
def totp_begin():
    """Start setting up two-step sign-in (staff).

    Who: grid workers and the office. Scan the QR code (or type the secret) into an authenticator
    app, then confirm with its first code (`confirmTwoStepSetup`); not in force until confirmed.

    - 403: the caller is not staff.
    - 409: two-step sign-in is already on."""
    user = security.me()
    secret = totp.begin(user)
    uri = totp.provisioning_uri(user)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": totp.qr_svg(uri, "otpauth")}


@blp.post("/me/totp/confirm")
@blp.doc(operationId="confirmTwoStepSetup")
@blp.arguments(OtpSchema)
@blp.response(200, RecoveryCodesSchema)
@blp.errors(400, 401, 403, 409, 422)
@login_required
def totp_confirm(data):
    """Turn two-step sign-in on with the app's first code.

    Who: staff who began the set-up. Answers the ten recovery codes, once. Audited.

    - 403: the caller is not staff.
    - 409: no set-up was begun, or it is already on.
    - 422: the code is wrong or malformed."""
    codes = totp.confirm(security.me(), data["otp"])
    return {"enabled": True, "recovery_codes": codes}


@blp.post("/me/totp/disable")
@blp.doc(operationId="disableTwoStep")
@blp.arguments(PasswordConfirmSchema)
@blp.response(200, TotpStatusSchema)
@blp.errors(400, 401, 422, 429)
@limits.password_checks
@login_required
def totp_disable(data):
    """Turn two-step sign-in off, with my password again.

    Who: any signed-in caller (nothing to do when it is off). Audited.

    - 422: the password is wrong."""
    totp.disable(security.me(), data["password"])
    return {"enabled": False, "recovery_codes_left": 0}


@blp.get("/staff")
@blp.doc(operationId="listStaff")
@blp.response(200, list_schema(StaffSchema, "StaffList"))
@blp.errors(401, 403)
@login_required
def list_staff():
    """The staff accounts (office and grid workers) of my community, with their two-step state.

    Who: office staff; each sees the staff of his own community.

    - 403: the caller is not office staff."""
    return {"items": totp.community_staff(security.me())}


@blp.post("/staff/<int:user_id>/totp/reset")
@blp.doc(operationId="resetStaffTotp")
@blp.response(200, StaffSchema)
@blp.errors(401, 403, 404, 409)
@login_required
def reset_staff_totp(user_id):
    """Turn off a colleague's two-step sign-in when the phone is lost.

    Who: office staff, for a staff account of their own community (check who it is first). The
    colleague signs in with the password and sets it up again. Audited as account.totp_reset.

    - 403: the caller is not office staff.
    - 404: no staff account of my community with that id.
    - 409: my own account (use `disableTwoStep` with my password)."""
    office = security.me()
    user = totp.colleague(office, user_id)
    totp.reset_by_office(office, user)
    return user


@blp.get("/me/household")
@blp.doc(operationId="listMyHousehold")
@blp.response(200, list_schema(ResidentSchema, "HouseholdList"))
@blp.errors(401)
@login_required
def my_household():
    """The family members I manage (I may book for them).

    Who: any signed-in caller."""
    return {"items": service.household(security.me())}


@blp.post("/me/household")
@blp.doc(operationId="addHouseholdMember")
@blp.arguments(HouseholdMemberSchema)
@blp.response(201, ResidentSchema)
@blp.errors(400, 401, 422)
@login_required
def add_household_member(data):
    """Add a family member who has no account.

    Who: any signed-in caller; the member lives at the caller's address unless another is given.

    - 422: a field is invalid, or no address is given and the caller has none."""
    return service.add_household_member(security.me(), data)


@blp.put("/me/address")
@blp.arguments(AddressSchema)
@blp.response(200, ResidentSchema)
@blp.errors(400, 401, 422)
@blp.doc(operationId="setMyAddress")
@login_required
def set_my_address(data):
    """Set my home address: give me a resident record there, or move the one I have.

    Who: any signed-in caller, for himself. Without a resident record he gets one at that address
    (he can then book for himself); with one it moves (past bookings keep their grid).

    - 422: no such building in the caller's community, or the unit or room is missing."""
    return service.set_own_address(security.me(), data)


@blp.post("/residents/<int:resident_id>/managers")
@blp.arguments(ManagerSchema)
@blp.response(202, InvitedSchema)
@blp.errors(400, 401, 403, 404, 422, 429)
@blp.doc(operationId="inviteManager")
@login_required
def add_manager(data, resident_id):
    """Invite another account (a son, a daughter) to book for this resident.

    Who: the resident herself, from her own account; for a resident without an account, any of
    her managers. The answer is the same whether or not the number has an account, with no name
    or role; the invitation waits 7 days (a number that registers meanwhile can still accept).

    - 403: the caller may see her but may not invite (her grid worker, the office, a manager of a
      resident who has her own account).
    - 404: no such resident, or the caller may not see her.
    - 422: the phone is malformed, or is the caller's own.
    - 429: more than 10 invitations by this account today."""
    resident = access.visible_resident(security.me(), resident_id)
    invitation = invitations.invite(security.me(), resident, data["phone"])
    expires_at = invitation.expires_at if invitation is not None else None
    return {"status": "invited", "expires_at": expires_at}


@blp.get("/residents/<int:resident_id>/managers")
@blp.response(200, ManagersSchema)
@blp.errors(401, 404)
@blp.doc(operationId="listManagers")
@login_required
def list_managers(resident_id):
    """Her managers and the invitations still waiting (phones masked).

    Who: anyone who may see her record: herself, her managers, staff of her grid.

    - 404: no such resident, or the caller may not see her."""
    resident = access.visible_resident(security.me(), resident_id)
    managers, waiting = invitations.managers_and_invitations(resident)
    return {"items": managers, "invitations": waiting}


@blp.delete("/residents/<int:resident_id>/managers/<int:user_id>")
@blp.doc(operationId="removeResidentManager")
@blp.response(204)
@blp.errors(401, 403, 404)
@login_required
def remove_manager(resident_id, user_id):
    """Take back an account's permission to book for this resident, or leave as her manager.

    Who: the resident herself, from her own account; a manager removing himself.

    - 403: anyone else who may see her.
    - 404: no such resident, the account does not manage her, or the caller may not see her."""
    resident = access.visible_resident(security.me(), resident_id)
    invitations.remove_manager(security.me(), resident, user_id)


@blp.get("/me/invitations")
@blp.response(200, list_schema(MyInvitationSchema, "MyInvitationList"))
@blp.errors(401)
@blp.doc(operationId="listMyInvitations")
@login_required
def my_invitations():
    """Invitations waiting for my number: who asks me to book for whom, until when.

    Who: any signed-in caller; only invitations sent to his own number."""
    return {"items": invitations.pending_for(security.me())}


@blp.post("/invitations/<int:invitation_id>/accept")
@blp.response(200, MyInvitationSchema)
@blp.errors(401, 404, 409)
@blp.doc(operationId="acceptInvitation")
@login_required
def accept_invitation(invitation_id):
    """Accept an invitation: I may now book for her.

    Who: the account whose number it was sent to.

    - 404: no such invitation, or it was not sent to my number.
    - 409: it was already answered or withdrawn, has expired, or is for another community; or
      whoever sent it may no longer invite for her, or her record is closed."""
    return invitations.accept(security.me(), invitation_id)


@blp.post("/invitations/<int:invitation_id>/decline")
@blp.response(200, MyInvitationSchema)
@blp.errors(401, 404, 409)
@blp.doc(operationId="declineInvitation")
@login_required
def decline_invitation(invitation_id):
    """Decline an invitation.

    Who: the account whose number it was sent to.

    - 404: no such invitation, or it was not sent to my number.
    - 409: it was already answered or has expired."""
    return invitations.decline(security.me(), invitation_id)


@blp.delete("/invitations/<int:invitation_id>")
@blp.response(204)
@blp.errors(401, 404, 409)
@blp.doc(operationId="withdrawInvitation")
@login_required
def withdraw_invitation(invitation_id):
    """Withdraw a waiting invitation.

    Who: its sender, or whoever may invite for her.

    - 404: no such invitation, or the caller may not withdraw it.
    - 409: it was already answered."""
    invitations.withdraw(security.me(), invitation_id)


@blp.post("/residents")
@blp.doc(operationId="createResident")
@blp.arguments(NewResidentSchema)
@blp.response(201, ResidentSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def create_resident(data):
    """Add a resident who has no phone (`account: false`).

    Who: grid workers, in their grids, and the office.

    - 403: the caller is not staff, or the building is outside the caller's grids.
    - 422: a field is invalid (an unknown building, a birth date in the future)."""
    if not current_user.is_staff:
        raise Forbidden()
    return service.create_resident(security.me(), data)


@blp.get("/residents/<int:resident_id>")
@blp.doc(operationId="getResident")
@blp.response(200, ResidentSchema)
@blp.errors(401, 404)
@login_required
def get_resident(resident_id):
    """One resident's record.

    Who: the person herself, her managers, grid workers of her grid and the office; a volunteer
    only his own record or one he manages. `flags` only to her, her managers and staff.

    - 404: no such resident, or the caller may not see her."""
    return access.visible_resident(security.me(), resident_id)


@blp.patch("/residents/<int:resident_id>")
@blp.doc(operationId="updateResident")
@blp.arguments(ResidentPatchSchema)
@blp.response(200, ResidentSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def patch_resident(data, resident_id):
    """Change a resident's record.

    Who: name and address by the person or her managers; `flags` and `active` (with
    `inactive_reason`) by grid workers of her grid and the office.

    - 403: the caller may see her but may not change these fields.
    - 404: no such resident, or the caller may not see her.
    - 409: her record is closed; only reopening it (`active: true`) changes it.
    - 422: a field is invalid (an unknown building, a missing `inactive_reason`)."""
    resident = access.visible_resident(security.me(), resident_id)
    return service.update_resident(security.me(), resident, data)


@blp.post("/residents/<int:resident_id>/verify-age")
@blp.doc(operationId="verifyResidentAge")
@blp.arguments(VerifyAgeSchema)
@blp.response(200, ResidentSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def verify_age(data, resident_id):
    """Staff checked the ID card: the birth date counts for fee waivers.

    Who: grid workers of her grid and the office. Audited.

    - 403: the caller may see her but is not her grid's staff.
    - 404: no such resident, or the caller may not see her.
    - 409: her record is closed.
    - 422: the birth date is missing or in the future."""
    resident = access.visible_resident(security.me(), resident_id)
    return service.verify_age(security.me(), resident, data["birth_date"])


@blp.post("/residents/<int:resident_id>/reset-code")
@blp.doc(operationId="issueResetCode")
@blp.response(201, ResetCodeSchema)
@blp.errors(401, 403, 404, 409)
@login_required
def reset_code(resident_id):
    """Issue a one-time password reset code, valid 24 hours.

    Who: grid workers of her grid and the office, for a resident who has an account. Audited.

    - 403: the caller may see her but is not her grid's staff.
    - 404: no such resident, or the caller may not see her.
    - 409: she has no account to reset."""
    resident = access.visible_resident(security.me(), resident_id)
    code, row = service.issue_reset_code(security.me(), resident)
    return {"code": code, "expires_at": row.expires_at}
