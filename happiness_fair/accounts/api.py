"""Accounts, residents and families over JSON (API.md "Accounts", "Residents and families")."""

from __future__ import annotations

import json

from flask import current_app, g
from flask_login import current_user

from ..api.base import ApiBlueprint, list_schema, login_required
from ..catalogue import service as catalogue_service
from ..errors import Forbidden
from ..extensions import limiter
from . import access, limits, privacy, security, service, totp
from .models import User
from .schemas import (
    AddressSchema,
    ExportSchema,
    HouseholdMemberSchema,
    ManagerSchema,
    MeSchema,
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
    roles = {r.role.value for r in user.roles}
    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is not None and volunteer.is_approved:
        roles.add("volunteer")
    return {
        "id": user.id,
        "name": user.name,
        "phone": user.phone,
        "community_id": user.community_id,
        "roles": sorted(roles),
    }


@blp.post("/auth/register")
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
@blp.errors(400, 409, 422, 429)
@limiter.limit(limits.REGISTER_PER_ADDRESS, methods=["POST"])
def register(data):
    """Sign up with a mobile number and a password."""
    return user_view(service.register(data))


@blp.post("/auth/tokens")
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.errors(400, 401, 422, 429)
@limiter.limit(limits.LOGIN_PER_ADDRESS, deduct_when=limits.failed, methods=["POST"])
@limiter.limit(
    limits.LOGIN_PER_PHONE_AND_ADDRESS,
    key_func=limits.phone_and_address,
    deduct_when=limits.failed,
    methods=["POST"],
)
def create_token(data):
    """Exchange phone and password for a bearer token (stored hashed, revocable).

    A staff account with two-step sign-in on also needs `otp`: the authenticator's code or an
    unused recovery code; without it, or with a wrong one, 401 `otp_required`. Failures count per
    address and per phone-and-address pair (429 past the limit), never per phone alone."""
    user = service.authenticate(data["phone"], data["password"], data.get("otp"))
    token = security.open_auth_session(user, "api", label=data.get("label", ""))
    return {"token": token, "user": user_view(user)}


@blp.delete("/auth/tokens/current")
@blp.response(204)
@blp.errors(401)
@login_required
def revoke_token():
    """Revoke the token this request came with (or end this web session)."""
    token = g.get("api_token")
    if token:
        security.end_auth_session(token)
    else:
        security.sign_out()


@blp.post("/auth/reset")
@blp.arguments(ResetSchema)
@blp.response(204)
@blp.errors(400, 401, 422, 429)
@limiter.limit(limits.RESET_PER_ADDRESS, methods=["POST"])
def reset(data):
    """Set a new password with a code from staff; every session and token of the account ends."""
    service.reset_password(data["phone"], data["code"], data["new_password"])


@blp.get("/me")
@blp.response(200, MeSchema)
@blp.errors(401)
@login_required
def me():
    """Who am I: roles, community, my resident and volunteer records, and grids."""
    user = current_user._get_current_object()
    return {
        **user_view(user),
        "resident": service.own_resident(user),
        "volunteer": catalogue_service.volunteer_of(user),
        "grid_ids": user.grid_ids,
    }


@blp.post("/me/password")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.errors(400, 401, 422, 429)
@limiter.limit(
    limits.PASSWORD_CHANGE_PER_ADDRESS,
    deduct_when=lambda response: response.status_code == 422,
    methods=["POST"],
)
@login_required
def change_password(data):
    """Change my password. Every other web session and token of the account ends; the one this
    request came with stays signed in."""
    service.change_password(
        current_user._get_current_object(),
        data["current_password"],
        data["new_password"],
        keep_token=security.current_token(),
    )


@blp.get("/me/export")
@blp.response(200, ExportSchema)
@blp.errors(401)
@login_required
def export_my_data():
    """Download everything held about me: account, resident records, bookings I made and
    received, jobs done as a volunteer, notifications."""
    body = json.dumps(
        privacy.export(current_user._get_current_object()), ensure_ascii=False, indent=1
    )
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="happiness-fair-my-data.json"'
    return response


@blp.delete("/me")
@blp.arguments(PasswordConfirmSchema)
@blp.response(204)
@blp.errors(400, 401, 422)
@login_required
def delete_my_account(data):
    """Delete my account, with my password again: name, phone, birth date and flat are erased,
    every session ends; bookings stay in the statistics without personal data, and volunteer
    hours stay in the rankings as an anonymous volunteer. Cannot be undone."""
    privacy.erase(current_user._get_current_object(), data["password"])


@blp.get("/me/totp")
@blp.response(200, TotpStatusSchema)
@blp.errors(401)
@login_required
def totp_status():
    """Is two-step sign-in on, and how many recovery codes are left."""
    user = current_user._get_current_object()
    left = totp.recovery_codes_left(user) if user.totp_enabled else 0
    return {"enabled": user.totp_enabled, "recovery_codes_left": left}


@blp.post("/me/totp")
@blp.response(201, TotpEnrolmentSchema)
@blp.errors(401, 403, 409)
@login_required
def totp_begin():
    """Staff: start setting up two-step sign-in; scan the QR code (or type the secret) into an
    authenticator app, then confirm with its first code. Not in force until confirmed."""
    user = current_user._get_current_object()
    secret = totp.begin(user)
    uri = totp.provisioning_uri(user)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": totp.qr_svg(uri, "otpauth")}


@blp.post("/me/totp/confirm")
@blp.arguments(OtpSchema)
@blp.response(200, RecoveryCodesSchema)
@blp.errors(400, 401, 403, 409, 422)
@login_required
def totp_confirm(data):
    """Turn two-step sign-in on with the app's first code; answers the ten recovery codes, once.
    Audited."""
    codes = totp.confirm(current_user._get_current_object(), data["otp"])
    return {"enabled": True, "recovery_codes": codes}


@blp.post("/me/totp/disable")
@blp.arguments(PasswordConfirmSchema)
@blp.response(200, TotpStatusSchema)
@blp.errors(400, 401, 422)
@login_required
def totp_disable(data):
    """Turn two-step sign-in off, with my password again. Audited."""
    totp.disable(current_user._get_current_object(), data["password"])
    return {"enabled": False, "recovery_codes_left": 0}


@blp.get("/me/household")
@blp.response(200, list_schema(ResidentSchema, "HouseholdList"))
@blp.errors(401)
@login_required
def my_household():
    """The family members I manage."""
    return {"items": service.household(current_user)}


@blp.post("/me/household")
@blp.arguments(HouseholdMemberSchema)
@blp.response(201, ResidentSchema)
@blp.errors(400, 401, 422)
@login_required
def add_household_member(data):
    """Add a family member who has no account (at my address unless another is given)."""
    return service.add_household_member(current_user, data)


@blp.put("/me/address")
@blp.arguments(AddressSchema)
@blp.response(200, ResidentSchema)
@blp.errors(400, 401, 422)
@blp.doc(operationId="setMyAddress")
@login_required
def set_my_address(data):
    """My home address: anyone signed in. Without a resident record I get one there (I can then
    book for myself); with one it moves (past bookings keep their grid). 422: no such building
    in my community, or unit or room missing."""
    return service.set_own_address(current_user._get_current_object(), data)


@blp.post("/residents/<int:resident_id>/managers")
@blp.arguments(ManagerSchema)
@blp.response(201, UserSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def add_manager(data, resident_id):
    """Let another account (a son, a daughter) book for me."""
    resident = access.visible_resident(current_user, resident_id)
    return user_view(service.add_manager(current_user, resident, data["phone"]))


@blp.delete("/residents/<int:resident_id>/managers/<int:user_id>")
@blp.response(204)
@blp.errors(401, 403, 404)
@login_required
def remove_manager(resident_id, user_id):
    """Take that permission back."""
    resident = access.visible_resident(current_user, resident_id)
    service.remove_manager(current_user, resident, user_id)


@blp.post("/residents")
@blp.arguments(NewResidentSchema)
@blp.response(201, ResidentSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def create_resident(data):
    """Staff add a resident who has no phone (grid workers in their grids)."""
    if not current_user.is_staff:
        raise Forbidden()
    return service.create_resident(current_user, data)


@blp.get("/residents/<int:resident_id>")
@blp.response(200, ResidentSchema)
@blp.errors(401, 404)
@login_required
def get_resident(resident_id):
    return access.visible_resident(current_user, resident_id)


@blp.patch("/residents/<int:resident_id>")
@blp.arguments(ResidentPatchSchema)
@blp.response(200, ResidentSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def patch_resident(data, resident_id):
    """Name and address by her or her managers; flags and active by her grid's staff."""
    resident = access.visible_resident(current_user, resident_id)
    return service.update_resident(current_user, resident, data)


@blp.post("/residents/<int:resident_id>/verify-age")
@blp.arguments(VerifyAgeSchema)
@blp.response(200, ResidentSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def verify_age(data, resident_id):
    """Staff checked the ID card: the birth date counts for waivers. Audited."""
    resident = access.visible_resident(current_user, resident_id)
    return service.verify_age(current_user, resident, data["birth_date"])


@blp.post("/residents/<int:resident_id>/reset-code")
@blp.response(201, ResetCodeSchema)
@blp.errors(401, 403, 404, 409)
@login_required
def reset_code(resident_id):
    """Staff issue a one-time password reset code, valid 24 hours. Audited."""
    resident = access.visible_resident(current_user, resident_id)
    code, row = service.issue_reset_code(current_user, resident)
    return {"code": code, "expires_at": row.expires_at}
