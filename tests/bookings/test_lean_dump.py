"""The bookings' lean dump (api/plain_dump.py) writes exactly what marshmallow would: every
booking answer below is dumped both ways and compared, for each state, each kind of viewer,
with photos, quotes, contacts and timelines."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType

import marshmallow as ma
import pytest

from happiness_fair.api.plain_dump import PlainDump, is_lean
from happiness_fair.bookings.schemas import BookingSchema
from happiness_fair.catalogue.schemas import ListingSchema
from happiness_fair.hours.schemas import GridTableSchema, VolunteerRankingSchema
from tests.bookings.test_photos import png_bytes, upload


def test_every_booking_answer_is_what_marshmallow_would_write(
    api, world, book, advance, act, both_ways
):
    open_request = book(description="厨房水龙头漏水")
    upload(api, world.grandma_user, open_request["id"], png_bytes())
    named = book(listing_id=world.listing.id)
    states = {"requested": open_request, "named": named}
    for state in ("accepted", "in_progress", "completed", "confirmed", "disputed", "cancelled"):
        booking = book(user=world.son, beneficiary_id=world.grandma.id)
        states[state] = booking
        advance(booking["id"], state)
    act(world.grid_worker, states["confirmed"]["id"], "follow-up", outcome="solved")

    people = (
        world.grandma_user, world.son, world.plumber.account_user,
        world.plumber2.account_user, world.grid_worker, world.office, world.neighbour.account_user,
    )  # fmt: skip
    for user in people:
        as_user = api.as_(user)
        assert as_user.get("/bookings?per_page=100").status_code == 200
        for booking in states.values():
            as_user.get(f"/bookings/{booking['id']}")
    assert api.as_(world.plumber2.account_user).get("/jobs").status_code == 200

    dumped = [mine for mine, _ in both_ways]
    assert len(dumped) > 60
    assert any(b["photos"] for b in dumped) and any(b["volunteer_contact"] for b in dumped)
    assert any(b["completed_at"] and len(b["events"]) > 3 for b in dumped)
    assert any(b["quote"]["labour_fee_fen"] is None for b in dumped)  # a volunteer's view
    for mine, theirs in both_ways:
        assert mine == theirs


class Odd(PlainDump):
    when = ma.fields.DateTime(allow_none=True)
    day = ma.fields.Date()
    count = ma.fields.Integer(data_key="n")
    name = ma.fields.String(attribute="label")
    flag = ma.fields.Boolean()
    ratio = ma.fields.Float(allow_none=True)
    kind = ma.fields.Function(lambda obj: type(obj).__name__)
    tags = ma.fields.List(ma.fields.String())
    inner = ma.fields.Nested(lambda: Inner(), allow_none=True)
    many = ma.fields.Nested(lambda: Inner(many=True))


class Inner(ma.Schema):
    at = ma.fields.DateTime()
    n = ma.fields.Integer()


@pytest.mark.parametrize(
    "obj",
    [
        {},  # every field missing: left out, as marshmallow leaves it out
        dict.fromkeys(("when", "day", "count", "label", "flag", "inner", "ratio")),
        {"count": True, "label": 12, "flag": 1, "tags": ["a", 3], "ratio": 4},  # other types
        {"ratio": 4.5},
        {
            "when": datetime(2026, 11, 30, 8, 5, tzinfo=UTC),
            "day": date(2026, 12, 1),
            "count": 7,
            "label": "沈**",
        },
        {"day": datetime(2026, 12, 1, 9, 30), "unknown": "dropped"},
        {
            "inner": {"at": datetime(2026, 1, 1, 0, 0), "n": 2, "x": 1},
            "many": [{"n": 1}, {"n": 2.0}],
        },
        {"count": ma.missing, "label": Decimal("3.5"), "flag": None, "tags": None},
        {"when": None, "many": [None, {"n": 1}]},
        defaultdict(lambda: None, {"count": 1}),  # other mappings: marshmallow's own reading
        MappingProxyType({"count": 1}),
    ],
)
def test_odd_values_are_written_as_marshmallow_writes_them(obj):
    assert Odd().dump(obj) == ma.Schema.dump(Odd(), obj)
    assert Odd(many=True).dump([obj, obj]) == ma.Schema.dump(Odd(many=True), [obj, obj])


def test_a_missing_list_is_read_as_marshmallow_reads_it():
    """A plain dict without the key: marshmallow then reads the attribute (a dict's `items`)."""

    class Page(PlainDump):
        items = ma.fields.List(ma.fields.Integer())
        total = ma.fields.Integer()

    assert Page().dump({"total": 1, "items": [1, 2]}) == {"total": 1, "items": [1, 2]}
    with pytest.raises(TypeError):
        ma.Schema.dump(Page(), {"total": 1})
    with pytest.raises(TypeError):
        Page().dump({"total": 1})
    assert Page(many=True).dump(None) == ma.Schema.dump(Page(many=True), None)


class Pluck(PlainDump):
    inner = ma.fields.Pluck(Inner, "n")


class Defaulted(PlainDump):
    n = ma.fields.Integer(dump_default=5)
    x = ma.fields.Integer(data_key="")


class Node(PlainDump):
    n = ma.fields.Integer()
    children = ma.fields.List(ma.fields.Nested(lambda: Node()))


class Rfc(PlainDump):
    class Meta:
        datetimeformat = "rfc"

    at = ma.fields.DateTime()


class Dotted(PlainDump):
    x = ma.fields.Integer(attribute="a.b")


@pytest.mark.parametrize(
    ("schema", "obj"),
    [
        (Pluck, {"inner": {"n": 1}}),
        (Defaulted, {"x": 1}),
        (Node, {"n": 1, "children": [{"n": 2, "children": [{"n": 3, "children": []}]}]}),
        (Rfc, {"at": datetime(2026, 11, 30, 8, 5, tzinfo=UTC)}),
        (Dotted, {"a": {"b": 3}}),
    ],
)
def test_what_the_lean_path_does_not_know_is_left_to_marshmallow(schema, obj):
    assert schema().dump(obj) == ma.Schema.dump(schema(), obj)
    assert not is_lean(schema())


def test_the_busy_answers_take_the_lean_path():
    assert is_lean(BookingSchema()) and is_lean(ListingSchema())
    assert is_lean(VolunteerRankingSchema()) and is_lean(GridTableSchema())


def test_an_objects_attributes_are_read_as_marshmallow_reads_them():
    class Row:
        count = 3
        label = "x"
        day = date(2026, 12, 1)
        inner = None

    assert Odd().dump(Row()) == ma.Schema.dump(Odd(), Row())
    assert Odd().dump(Row()) == {
        "n": 3, "name": "x", "day": "2026-12-01", "inner": None, "kind": "Row",
    }  # fmt: skip
