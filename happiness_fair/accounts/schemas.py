"""The accounts part of the API contract: request schemas that validate, answers that serialise."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..validation import (
    BaseSchema,
    TrimmedString,
    id_field,
    length,
    name_field,
    one_of,
    password_field,
    phone_field,
)
from . import access, rules
from .models import Resident
from .security import me


class RegisterSchema(BaseSchema):
    phone = phone_field(required=True)
    password = password_field(required=True)
    name = name_field(required=True)
    building_id = id_field(allow_none=True)
    unit = TrimmedString(validate=length(max=10), allow_none=True)
    room = TrimmedString(validate=length(max=10), allow_none=True)
    community_id = id_field(allow_none=True)
    birth_date = fields.Date(allow_none=True)


class TokenRequestSchema(BaseSchema):
    phone = fields.String(required=True, validate=length(1, 20))
    password = fields.String(required=True, validate=length(1, 128), load_only=True)
    otp = fields.String(validate=length(max=12))
    label = fields.String(validate=length(max=80))


class PasswordChangeSchema(BaseSchema):
    current_password = fields.String(required=True, validate=length(1, 128), load_only=True)
    new_password = password_field(required=True)


class PasswordConfirmSchema(BaseSchema):
    password = fields.String(required=True, validate=length(1, 128), load_only=True)


class OtpSchema(BaseSchema):
    otp = fields.String(required=True, validate=length(1, 12))


class TotpStatusSchema(ma.Schema):
    enabled = fields.Boolean()
    recovery_codes_left = fields.Integer()


class TotpEnrolmentSchema(ma.Schema):
    secret = fields.String(metadata={"description": "Base32 secret, for typing into the app"})
    otpauth_uri = fields.String(metadata={"description": "The same as an otpauth:// URI"})
    qr_svg = fields.String(metadata={"description": "The URI as an SVG QR code"})


class RecoveryCodesSchema(ma.Schema):
    enabled = fields.Boolean()
    recovery_codes = fields.List(
        fields.String(), metadata={"description": "Shown once; each works once instead of a code"}
    )


class ExportSchema(ma.Schema):
    """Everything held about the caller (PIPL): one JSON document."""

    exported_at = fields.String()
    account = fields.Dict()
    residents = fields.List(fields.Dict())
    volunteer = fields.Dict(allow_none=True)
    bookings_made = fields.List(fields.Dict())
    bookings_received = fields.List(fields.Dict())
    jobs_done_as_volunteer = fields.List(fields.Dict())
    invitations_sent = fields.List(fields.Dict())
    invitations_received = fields.List(fields.Dict())
    notifications = fields.List(fields.Dict())


class MaskedPhone(fields.String):
    """Another person's phone number in a list: 138****1234 (the full number on the detail)."""

    def _serialize(self, value, attr, obj, **kwargs):
        phone = super()._serialize(value, attr, obj, **kwargs)
        viewer = me()
        return rules.phone_for_list(phone, viewer.phone if viewer else None)


class ResetSchema(BaseSchema):
    phone = phone_field(required=True)
    code = fields.String(required=True, validate=length(1, 20))
    new_password = password_field(required=True)


class ResetFormSchema(ResetSchema):
    """The 忘记密码 page: the same fields, the new password typed twice."""

    new_password_again = fields.String(required=True, load_only=True)

    @ma.validates_schema
    def _typed_twice_alike(self, data, **kwargs):
        if data.get("new_password_again") != data.get("new_password"):
            raise ma.ValidationError(
                _l("The two new passwords are not the same."), "new_password_again"
            )


class HouseholdMemberSchema(BaseSchema):
    name = name_field(required=True)
    birth_date = fields.Date(allow_none=True)
    relation = TrimmedString(validate=length(max=20), load_default="")
    building_id = id_field(allow_none=True)
    unit = TrimmedString(validate=length(max=10), allow_none=True)
    room = TrimmedString(validate=length(max=10), allow_none=True)


class AddressSchema(BaseSchema):
    """PUT /me/address and the profile page's address form."""

    building_id = id_field(required=True)
    unit = TrimmedString(required=True, validate=length(1, 10))
    room = TrimmedString(required=True, validate=length(1, 10))


class ManagerSchema(BaseSchema):
    phone = phone_field(required=True)


class NewResidentSchema(BaseSchema):
    name = name_field(required=True)
    building_id = id_field(required=True)
    unit = TrimmedString(required=True, validate=length(1, 10))
    room = TrimmedString(required=True, validate=length(1, 10))
    birth_date = fields.Date(allow_none=True)
    phone = phone_field(allow_none=True)


class ResidentPatchSchema(BaseSchema):
    name = name_field()
    building_id = id_field()
    unit = TrimmedString(validate=length(1, 10))
    room = TrimmedString(validate=length(1, 10))
    flags = fields.List(fields.String(validate=one_of(Resident.FLAG_CODES)))
    active = fields.Boolean()
    inactive_reason = fields.String(
        validate=one_of(Resident.INACTIVE_REASONS),
        metadata={"description": "with active: false — moved, passed_away or other"},
    )


class VerifyAgeSchema(BaseSchema):
    birth_date = fields.Date(required=True)


class ResidentSchema(ma.Schema):
    """A resident as API.md shows her; private fields only to those who may see them."""

    id = fields.Integer()
    name = fields.String()
    birth_date = fields.Date(allow_none=True)
    age_verified = fields.Boolean()
    building_id = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    room = fields.String(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    flags = fields.List(fields.String(), allow_none=True)
    account = fields.Function(lambda resident: resident.user_id is not None)
    active = fields.Boolean()
    inactive_reason = fields.String(allow_none=True)

    @ma.post_dump(pass_original=True)
    def hide_private(self, data, resident, **kwargs):
        user = me()
        if user is None or not access.can_see(user, resident):
            for key in ("birth_date", "building_id", "unit", "room", "grid_id"):
                data[key] = None
        if user is None or not access.can_see_flags(user, resident):
            data["flags"] = None
        return data


class ResetCodeSchema(ma.Schema):
    code = fields.String()
    expires_at = fields.DateTime()


class UserSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    community_id = fields.Integer()
    roles = fields.List(fields.String())


class StaffSchema(ma.Schema):
    """A staff account as its office sees it: who still needs two-step sign-in."""

    id = fields.Integer()
    name = fields.String()
    roles = fields.Method("_roles")
    two_step_sign_in = fields.Boolean(attribute="totp_enabled")

    def _roles(self, user) -> list[str]:
        return sorted(str(r.role) for r in user.roles)


class TokenSchema(ma.Schema):
    token = fields.String()
    user = fields.Nested(UserSchema)


class InvitationSchema(ma.Schema):
    """An invitation as its sender sees it: the number masked, no name or role of its owner."""

    id = fields.Integer()
    resident_id = fields.Integer()
    phone = MaskedPhone()
    status = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class InvitedSchema(ma.Schema):
    """The answer to an invitation sent: the same whether or not the number has an account."""

    status = fields.String(metadata={"enum": ["invited"]})
    expires_at = fields.DateTime(allow_none=True)


class MyInvitationSchema(ma.Schema):
    """An invitation waiting for the caller's number: who asks, for whom, until when."""

    id = fields.Integer()
    resident_id = fields.Integer()
    resident_name = fields.String()
    inviter_name = fields.String()
    status = fields.String()
    expires_at = fields.DateTime()


class ManagerEntrySchema(ma.Schema):
    user_id = fields.Integer(attribute="id")
    name = fields.String()
    phone = MaskedPhone()


class ManagersSchema(ma.Schema):
    items = fields.List(fields.Nested(ManagerEntrySchema))
    invitations = fields.List(fields.Nested(InvitationSchema))
