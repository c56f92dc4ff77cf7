"""A lean dump for the schemas of hot lists: the same JSON as marshmallow's `Schema.dump`,
without walking marshmallow's field machinery for every value of every row.

A page of 20 bookings, each with its timeline, is some 3,000 `Field.serialize` calls, a fifth of
the request; the views the API builds are already plain dicts (or plain objects) of the right
types, so a dump has only to keep the declared fields and write dates in ISO 8601. The schema
stays the one the OpenAPI document describes; a value of another type than expected goes
through marshmallow's own field, so the answer never differs (`tests/bookings/test_lean_dump.py`,
`tests/test_query_budgets.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Convert = Callable[[Any], Any]

# The Python types each simple field writes unchanged (marshmallow's own dump returns them as
# they are); anything else is handed to the field.
_AS_IS = {fields.Integer: (int,), fields.String: (str,), fields.Boolean: (bool,)}


def _converter(field: fields.Field) -> Convert:
    if isinstance(field, fields.Nested):
        inner = _compile(field.schema)
        if field.many or field.schema.many:
            return lambda value: None if value is None else [inner(item) for item in value]
        return lambda value: None if value is None else inner(value)
    if isinstance(field, fields.List):
        item = _converter(field.inner)
        return lambda value: None if value is None else [item(v) for v in value]
    if type(field) in (fields.Date, fields.DateTime) and field.format in (None, "iso"):
        kind = field.OBJ_TYPE
        return lambda value: (
            value.isoformat()
            if type(value).__name__ == kind
            else field._serialize(value, None, None)
        )
    types = _AS_IS.get(type(field))
    if types is None or getattr(field, "as_string", False):
        raise TypeError(f"plain_dump cannot write a {type(field).__name__} field")
    return lambda value: (
        value if value is None or type(value) in types else field._serialize(value, None, None)
    )


_MISSING = object()


def _compile(schema: ma.Schema) -> Callable[[Any], dict]:
    """One object's dump by this schema: a dict's keys or an object's attributes, each left out
    when it is not there, as marshmallow reads them."""
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        raise TypeError(f"{type(schema).__name__} has dump hooks: leave it to marshmallow")
    plan = [
        (field.attribute or name, field.data_key or name, _converter(field))
        for name, field in schema.dump_fields.items()
    ]
    if any("." in attribute for attribute, _key, _convert in plan):
        raise TypeError(f"{type(schema).__name__} reads a dotted attribute")

    def dump(obj: Any) -> dict:
        if isinstance(obj, dict):
            return {key: convert(obj[name]) for name, key, convert in plan if name in obj}
        out = {}
        for name, key, convert in plan:
            value = getattr(obj, name, _MISSING)
            if value is not _MISSING:
                out[key] = convert(value)
        return out

    return dump


class PlainDump(ma.Schema):
    """A schema whose `dump` takes the lean path, for itself and its nested schemas."""

    def dump(self, obj: Any, *, many: bool | None = None):
        lean = self.__dict__.get("_lean")
        if lean is None:
            lean = self.__dict__["_lean"] = _compile(self)
        many = self.many if many is None else bool(many)
        return [lean(item) for item in obj] if many else lean(obj)
