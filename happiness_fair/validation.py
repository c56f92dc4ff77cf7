"""Marshmallow at the edge: strict schemas and messages in the reader's language.

marshmallow's built-in messages are English; they are re-declared here as lazy strings so the
catalogue translates them, and validators used by the schemas carry their own translated text.
"""

from __future__ import annotations

import re
from datetime import date

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from webargs import fields as _webargs_fields  # noqa: F401  (its field classes get translated too)

# What a phone number and a password must be (accounts/rules.py names them for the rest).
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

fields.Field.default_error_messages.update(
    {
        "required": _l("This field is required."),
        "null": _l("This field may not be empty."),
        "validator_failed": _l("Invalid value."),
    }
)
_TYPE_MESSAGES = {
    fields.String: _l("Enter text."),
    fields.Integer: _l("Enter a whole number."),
    fields.Float: _l("Enter a number."),
    fields.Number: _l("Enter a number."),
    fields.Boolean: _l("Choose yes or no."),
    fields.Date: _l("Enter a date as YYYY-MM-DD."),
    fields.DateTime: _l("Enter a date and time."),
    fields.List: _l("Enter a list."),
    fields.Dict: _l("Enter an object."),
    fields.Nested: _l("Enter an object."),
}
for _cls, _message in _TYPE_MESSAGES.items():
    _cls.default_error_messages = {**_cls.default_error_messages, "invalid": _message}
    if "type" in _cls.default_error_messages:
        _cls.default_error_messages["type"] = _message
fields.Integer.default_error_messages["too_large"] = _l("This number is too large.")
fields.Date.default_error_messages["format"] = _l("Enter a date as YYYY-MM-DD.")

# Every other message a marshmallow field can give, by its key, so no field anywhere answers in
# English to a Chinese reader (tests/test_validation_messages.py walks every field class).
_BY_KEY = {
    "invalid": _l("Invalid value."),
    "invalid_utf8": _l("Enter text."),
    "invalid_awareness": _l("Enter a date and time with its time zone."),
    "format": _l("Invalid value."),
    "too_large": _l("This number is too large."),
    "special": _l("Enter a number."),
    "unknown": _l("Choose one of: {choices}."),
    "invalid_ip": _l("Invalid value."),
    "invalid_ip_interface": _l("Invalid value."),
    "invalid_uuid": _l("Invalid value."),
    "type": _l("Invalid input type."),
}
# Email and URL insist on a plain string for "invalid" (they hand it to their validator); the
# app uses neither, and tests/test_validation_messages.py checks it stays so.
_PLAIN_ONLY = (fields.Email, fields.URL)
_stack = [fields.Field]
while _stack:
    _cls = _stack.pop()
    _stack.extend(_cls.__subclasses__())
    _own = _cls.__dict__.get("default_error_messages")
    if _own and not issubclass(_cls, _PLAIN_ONLY):
        _cls.default_error_messages = {
            key: (_BY_KEY.get(key, _l("Invalid value.")) if isinstance(text, str) else text)
            for key, text in _own.items()
        }
ma.Schema._default_error_messages = {
    "type": _l("Invalid input type."),
    "unknown": _l("Unknown field."),
}

# The validators' own messages. Range builds its English text when it is made (at import, in no
# language), so its error is chosen when it fails, in the reader's language.
validate.Length.message_min = _l("Too short: at least {min}.")
validate.Length.message_max = _l("Too long: at most {max}.")
validate.Length.message_all = _l("Give from {min} to {max}.")
validate.Length.message_equal = _l("Give exactly {equal}.")
validate.OneOf.default_message = _l("Choose one of: {choices}.")
validate.ContainsOnly.default_message = _l("Choose only from: {choices}.")
validate.NoneOf.default_message = _l("Invalid value.")
validate.Equal.default_message = _l("Invalid value.")
validate.Regexp.default_message = _l("Invalid value.")
validate.Email.default_message = _l("Invalid value.")
validate.URL.default_message = _l("Invalid value.")


def _range_error(self: validate.Range, value, message) -> str:
    if self.error is None:
        if self.min is not None and self.max is not None:
            message = _l("Enter a number from {min} to {max}.")
        elif self.min is not None:
            message = (
                _l("Enter a number of at least {min}.")
                if self.min_inclusive
                else _l("Enter a number greater than {min}.")
            )
        else:
            message = (
                _l("Enter a number of at most {max}.")
                if self.max_inclusive
                else _l("Enter a number less than {max}.")
            )
    return str(self.error or message).format(input=value, min=self.min, max=self.max)


validate.Range._format_error = _range_error


MAX_ID = 2**31 - 1  # ids are 32-bit in PostgreSQL: a larger one names nothing


def whole_number(text: str) -> int | None:
    """A query string's or form's whole number of 1 to 9 ASCII digits, or None: "²" and "٣"
    are digits to str.isdigit(), and int() refuses the first."""
    return int(text) if 0 < len(text) < 10 and text.isascii() and text.isdigit() else None


class TrimmedString(fields.String):
    """Strips surrounding white space so "  " counts as empty; refuses NUL, which PostgreSQL
    cannot store (it would be a 500, not a 422)."""

    default_error_messages = {"nul": _l("Remove the special characters that cannot be shown.")}

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in result:
            raise self.make_error("nul")
        return result


# The dates a person may send (service dates, ranges, births).
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class BaseSchema(ma.Schema):
    """API request schemas refuse unknown fields (422), as API.md asks."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type."),
    }

    @ma.validates_schema
    def _dates_within_reach(self, data, **kwargs):
        """Every date a person sends lies within years the calendar can count with (past
        9999-12, month arithmetic in totals and ranges overflows): a clear 422, never a 500."""
        errors = {}
        for name, field in self.fields.items():
            value = data.get(field.attribute or name) if isinstance(data, dict) else None
            if type(value) is date and not EARLIEST_DAY <= value <= LATEST_DAY:
                errors[field.data_key or name] = [str(_l("Choose a date from 1900 to 2199."))]
        if errors:
            raise ma.ValidationError(errors)


class FormSchema(BaseSchema):
    """The same fields read from an HTML form, which also carries its CSRF token."""

    class Meta:
        unknown = ma.EXCLUDE


def length(min: int | None = None, max: int | None = None) -> validate.Length:
    if min and max:
        return validate.Length(min=min, max=max, error=_l("Enter {min} to {max} characters."))
    if min:
        return validate.Length(min=min, error=_l("Enter at least {min} characters."))
    return validate.Length(max=max, error=_l("Enter at most {max} characters."))


def between(min: int, max: int) -> validate.Range:
    return validate.Range(min=min, max=max, error=_l("Enter a number from {min} to {max}."))


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error=_l("Choose one of: {choices}."))


def phone_field(**kwargs) -> fields.String:
    return fields.String(
        validate=validate.Regexp(
            PHONE_RE, error=_l("Enter an 11-digit mobile number starting with 1.")
        ),
        metadata={"example": "13800138000"},
        **kwargs,
    )


def password_field(**kwargs) -> fields.String:
    return fields.String(
        validate=length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH),
        load_only=True,
        **kwargs,
    )


def name_field(**kwargs) -> fields.String:
    return TrimmedString(validate=length(1, 40), **kwargs)


def id_field(**kwargs) -> fields.Integer:
    """An id: a positive 32-bit integer (a larger one is a 422, not a database error)."""
    return fields.Integer(validate=between(1, MAX_ID), **kwargs)
