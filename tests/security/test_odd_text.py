"""Text no database can store is refused with a 422, never a 500: a lone surrogate in a JSON
body ("\\ud800": JSON can write it, UTF-8 cannot). Its pages' side: tests/web/test_odd_query.py."""

from __future__ import annotations

import pytest

LONE = '"\\ud800"'


@pytest.mark.parametrize(
    "who, path, body",
    [
        (None, "/auth/tokens", '{"phone": ' + LONE + ', "password": "x"}'),
        ("grandma_user", "/me/household", '{"name": ' + LONE + "}"),
    ],
)
def test_a_lone_surrogate_in_a_json_body_is_a_422(api, world, who, path, body, in_app):
    caller = api.as_(getattr(world, who)) if who else api
    response = caller.post(path, data=body, content_type="application/json")
    assert response.status_code == 422, response.data
    assert response.json["error"]["code"] == "validation_error"


def test_a_booking_with_a_lone_surrogate_is_refused_and_nothing_is_made(api, world, plumbing):
    caller = api.as_(world.grandma_user)
    before = caller.get("/bookings").json["total"]
    body = (
        f'{{"category_id": {plumbing.id}, "date": "2099-01-05", "period": "morning", '
        f'"description": {LONE}}}'
    )
    response = caller.post("/bookings", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "description" in response.json["error"]["fields"]
    assert caller.get("/bookings").json["total"] == before
