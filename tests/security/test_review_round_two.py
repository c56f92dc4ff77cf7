"""The outside review's second round (issue 17): each hole as a stranger would try it, closed.
Holes 1, 6, 8, 9, 10 (what a volunteer sees) are in tests/bookings/test_what_a_volunteer_sees.py
and tests/fairs/test_fair_privacy.py; managers' invitations in tests/accounts/test_invitations.py.
"""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from happiness_fair.accounts.models import User
from happiness_fair.audit import AuditEvent
from happiness_fair.bookings.models import BookingEvent
from happiness_fair.followups.models import FollowUp
from happiness_fair.notifications.models import Notification
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page

STRANGER = {"REMOTE_ADDR": "203.0.113.9"}


# --- hole 2: one safe_next() for every redirect target ------------------------------------

HOSTILE_TARGETS = [
    "/\t/evil.example",
    "/\r\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "https://evil.example/",
    "/\x00/evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_sign_in_never_sends_her_to_another_site(client, make, target):
    user = make.user()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"phone": user.phone, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_sign_in_still_returns_to_the_page_she_came_from(client, make):
    user = make.user()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=/bookings%3Fstatus%3Daccepted",
        data={"phone": user.phone, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/bookings?status=accepted"


@pytest.mark.parametrize("path", ["/language", "/elder-mode"])
@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_language_and_elder_switches_never_send_her_away(client, path, target):
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        path, data={"next": target, "lang": "en", "on": "1", "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_the_switches_return_to_a_page_of_this_site(client):
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post("/elder-mode", data={"next": "/book", "on": "1", "csrf_token": token})
    assert response.headers["Location"] == "/book"
    via_referrer = client.post(
        "/language",
        data={"lang": "en", "csrf_token": token},
        headers={"Referer": "http://evil.example/x"},
    )
    assert via_referrer.headers["Location"] == "/"


# --- hole 3: image bombs --------------------------------------------------------------------


def _png(width: int, height: int, bit_depth: int, colour_type: int = 0) -> bytes:
    """A valid PNG of zero pixels, compressed row by row (a bomb is tiny on the wire)."""
    channels = {0: 1, 2: 3}[colour_type]
    row = b"\x00" + bytes(width * channels * bit_depth // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _upload(api, user, booking_id, raw: bytes, name="photo.png"):
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(raw), filename=name)})
    return api.as_(user).post(
        f"/bookings/{booking_id}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def request_of(api, make):
    """A signed-in resident and one open request of hers."""
    resident = make.resident(make.grid(make.community()), name="张奶奶")
    user = resident.account_user
    category = make.category("plumbing")
    from tests.factories import tomorrow

    response = api.as_(user).post(
        "/bookings",
        json={
            "category_id": category.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "水龙头漏水",
        },
    )
    assert response.status_code == 201, response.json
    return user, response.json["id"]


def test_a_16_bit_png_bomb_is_refused_before_it_is_decoded(api, request_of):
    user, booking_id = request_of
    bomb = _png(7070, 7070, 16)
    assert len(bomb) < 1_000_000  # small on the wire
    started = time.monotonic()
    response = _upload(api, user, booking_id, bomb)
    assert response.status_code == 422, response.json
    assert time.monotonic() - started < 1.0
    assert "photo" in response.json["error"]["fields"]


def test_a_png_over_8_bits_or_10_megapixels_is_refused(api, request_of):
    user, booking_id = request_of
    assert _upload(api, user, booking_id, _png(64, 64, 16)).status_code == 422
    assert _upload(api, user, booking_id, _png(4000, 3000, 8)).status_code == 422
    assert _upload(api, user, booking_id, _png(3000, 3000, 8, colour_type=2)).status_code == 201


def test_an_ordinary_phone_photo_is_accepted_and_scaled_down(api, request_of):
    user, booking_id = request_of
    out = io.BytesIO()
    Image.new("RGB", (4080, 3072), (120, 90, 60)).save(out, "JPEG", quality=80)
    response = _upload(api, user, booking_id, out.getvalue(), "IMG_0001.jpg")
    assert response.status_code == 201, response.json
    kept = Image.open(io.BytesIO(api.as_(user).get(response.json["url"]).data))
    assert max(kept.size) == 2048
    assert kept.size == (2048, 1542)


def test_a_jpeg_over_50_megapixels_is_refused(api, request_of):
    user, booking_id = request_of
    out = io.BytesIO()
    Image.new("L", (8200, 6200)).save(out, "JPEG", quality=10)
    assert _upload(api, user, booking_id, out.getvalue(), "big.jpg").status_code == 422


def test_at_most_30_photo_uploads_an_hour_per_account(api, request_of):
    user, booking_id = request_of
    small = _png(8, 8, 8)
    statuses = [_upload(api, user, booking_id, small).status_code for _ in range(31)]
    assert statuses[:3] == [201, 201, 201]
    assert set(statuses[3:30]) == {409}
    assert statuses[30] == 429


# --- hole 5: erasure blanks the free text about her ----------------------------------------


def test_erasure_blanks_every_free_text_she_wrote_or_that_was_written_about_her(api, make, in_app):
    community = make.community()
    grid = make.grid(community)
    resident = make.resident(grid, name="张奶奶")
    worker = make.grid_worker(grid)
    plumber = make.volunteer([grid], name="沈林益")
    listing = make.listing(plumber, fee_fen=0, title="修水龙头")
    from tests.factories import tomorrow

    her = resident.account_user
    booking = (
        api.as_(her)
        .post(
            "/bookings",
            json={
                "listing_id": listing.id,
                "date": tomorrow().isoformat(),
                "period": "morning",
                "description": "水龙头漏水",
            },
        )
        .json
    )
    path = f"/bookings/{booking['id']}"
    for actor, action, body in (
        (plumber.account_user, "accept", {}),
        (plumber.account_user, "start", {}),
        (plumber.account_user, "complete", {"minutes": 30, "materials_fen": 0}),
        (her, "dispute", {"reason": "我一个人住，钥匙在门口地垫下"}),
        (worker, "resolve", {"outcome": "confirm", "note": "张奶奶耳背，要大声说"}),
        (worker, "follow-up", {"outcome": "solved", "note": "她女儿在外地，下周回来"}),
    ):
        response = api.as_(actor).post(f"{path}/{action}", json=body)
        assert response.status_code == 200, (action, response.json)
    verified = api.as_(worker).post(
        f"/residents/{resident.id}/verify-age", json={"birth_date": "1941-03-09"}
    )
    assert verified.status_code == 200
    with in_app() as session:
        detail = session.execute(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "resident.verify_age")
        ).scalar_one()
    assert "1941" not in str(detail)  # "age verified", never the date

    assert api.as_(her).delete("/me", json={"password": PASSWORD}).status_code == 204

    secrets = ("钥匙在门口地垫下", "耳背", "女儿在外地", "1941")
    with in_app() as session:
        notes = session.execute(
            sa.select(BookingEvent.note).where(BookingEvent.booking_id == booking["id"])
        ).scalars()
        follow_ups = session.execute(
            sa.select(FollowUp.note).where(FollowUp.booking_id == booking["id"])
        ).scalars()
        params = session.execute(
            sa.select(Notification.params).where(Notification.booking_id == booking["id"])
        ).scalars()
        audit = session.execute(
            sa.select(AuditEvent.detail).where(
                AuditEvent.subject_type == "resident", AuditEvent.subject_id == resident.id
            )
        ).scalars()
        left = " ".join([*notes, *follow_ups, *(str(p) for p in params), *(str(a) for a in audit)])
    for secret in secrets:
        assert secret not in left, secret


# --- hole 7: every password check counts toward one limit ---------------------------------


def test_wrong_passwords_anywhere_count_toward_one_limit(api, make):
    user = make.user()
    client = api.as_(user)
    statuses = []
    for i in range(5):
        statuses.append(
            client.post(
                "/me/totp/disable", json={"password": f"wrong-{i}"}, environ_base=STRANGER
            ).status_code
        )
        statuses.append(
            client.delete("/me", json={"password": f"wrong-{i}"}, environ_base=STRANGER).status_code
        )
    assert statuses == [422] * 10
    assert (
        client.delete("/me", json={"password": "wrong"}, environ_base=STRANGER).status_code == 429
    )
    signing_in = api.client.post(
        "/api/v1/auth/tokens",
        json={"phone": user.phone, "password": "another-guess"},
        environ_base=STRANGER,
    )
    assert signing_in.status_code == 429
    # Right passwords never count: from home she still signs in.
    home = api.client.post(
        "/api/v1/auth/tokens",
        json={"phone": user.phone, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.30"},
    )
    assert home.status_code == 201


def test_the_delete_page_is_limited_too(client, make):
    user = make.user()
    sign_in_page(client, user.phone, PASSWORD)
    token = csrf_token_of(client.get("/account").get_data(as_text=True))
    statuses = [
        client.post(
            "/account/delete",
            data={"password": f"wrong-{i}", "confirm": "yes", "csrf_token": token},
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


# --- hole 11: no-store on every personal-data response ------------------------------------


def test_the_web_export_and_every_page_are_not_cached(client, api, make):
    user = make.user()
    sign_in_page(client, user.phone, PASSWORD)
    export = client.get("/account/export")
    assert export.status_code == 200
    assert export.mimetype == "application/json"
    assert export.headers["Cache-Control"] == "no-store"
    assert api.as_(user).get("/me/export").headers["Cache-Control"] == "no-store"
    assert client.get("/account").headers["Cache-Control"] == "no-store"


# --- hole 12: "already registered" answers are limited, other sign-ups are not -------------


def _register(api, phone, community_id, env):
    body = {"phone": phone, "password": "long-enough-1", "name": "新用户"}
    return api.client.post(
        "/api/v1/auth/register", json={**body, "community_id": community_id}, environ_base=env
    )


def test_only_already_registered_answers_count_toward_5_an_hour(api, make, in_app):
    community = make.community()
    centre = {"REMOTE_ADDR": "198.51.100.77"}
    fresh = [_register(api, f"1371111{i:04d}", community.id, centre).status_code for i in range(8)]
    assert fresh == [201] * 8  # a sign-up morning at the community centre goes on
    taken = make.user()
    sweep = [_register(api, taken.phone, community.id, STRANGER).status_code for _ in range(6)]
    assert sweep == [409] * 5 + [429]
    with in_app() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() >= 9
