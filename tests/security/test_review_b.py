"""Outside review B (a stranger's attack) and review C's H1/H2 (photos on the forms), each hole
as the reviewer tried it, closed. See /work/notes/review-b.md for the numbering."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from happiness_fair.bookings import photos
from happiness_fair.extensions import db
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page


def _signed_in(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert sign_in_page(client, user.phone, PASSWORD).status_code in (302, 303)
    return client


def _jpeg(size=(800, 600), **kw) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", **kw)
    return out.getvalue()


def scan_bomb(extra_scans: int, size=(800, 600)) -> bytes:
    """The reviewer's file: a progressive JPEG whose last refinement scan is repeated."""
    base = _jpeg(size, progressive=True, subsampling=0, quality=95)
    chunk = base[base.rindex(b"\xff\xda") : -2]  # the last scan: an AC refinement scan
    return base[:-2] + chunk * extra_scans + base[-2:]


def phone_photo(megabytes: float) -> bytes:
    """A JPEG of about this size, as a phone writes it (the bulk in comment segments here)."""
    base = _jpeg((1200, 900))
    segment = b"\xff\xfe" + (65533).to_bytes(2, "big") + b"x" * 65531
    count = int(megabytes * 1024 * 1024 / len(segment))
    return base[:2] + segment * count + base[2:]


def _upload(api, user, path, data: bytes, name="leak.jpg"):
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(data), filename=name)})
    return api.as_(user).post(
        path,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Accept-Language": "zh-CN"},
    )


@pytest.fixture
def her(api, make):
    """A signed-in resident with one open request and one private concern."""
    resident = make.resident(make.grid(make.community()), name="张奶奶")
    user = resident.account_user
    category = make.category("plumbing")
    from tests.factories import tomorrow

    booking = api.as_(user).post(
        "/bookings",
        json={
            "category_id": category.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "水龙头漏水",
        },
    )
    assert booking.status_code == 201, booking.json
    concern = api.as_(user).post(
        "/concerns",
        json={
            "category": "facilities",
            "description": "楼道灯坏了",
            "private": True,
            "public_area": False,
        },
    )
    assert concern.status_code == 201, concern.json
    return user, f"/bookings/{booking.json['id']}/photos", f"/concerns/{concern.json['id']}/photos"


# --- 1: progressive-JPEG scan bombs ---------------------------------------------------------


@pytest.mark.parametrize("target", ["booking", "concern"])
def test_a_jpeg_with_hundreds_of_scans_is_refused_before_decoding(api, her, target):
    user, booking_path, concern_path = her
    bomb = scan_bomb(300)
    response = _upload(api, user, booking_path if target == "booking" else concern_path, bomb)
    assert response.status_code == 422, response.json
    assert "层" in response.json["error"]["fields"]["photo"][0]  # 保存的层数太多


def test_an_ordinary_progressive_photo_is_accepted(api, her):
    user, booking_path, concern_path = her
    assert photos._jpeg_scans(_jpeg(progressive=True)) == 10  # libjpeg's own script
    assert photos._jpeg_scans(_jpeg()) == 1
    assert photos._jpeg_scans(scan_bomb(1)) == 11
    assert _upload(api, user, booking_path, _jpeg(progressive=True)).status_code == 201
    assert _upload(api, user, concern_path, _jpeg(progressive=True)).status_code == 201


@pytest.mark.parametrize("target", ["booking", "concern"])
def test_photos_are_decoded_with_no_transaction_open(api, her, monkeypatch, target):
    """SQLite begins a writing request IMMEDIATE: decoding inside it held the write lock."""
    user, booking_path, concern_path = her
    seen = []
    real = photos.clean_photo

    def spy(raw):
        seen.append(db.session().in_transaction())
        return real(raw)

    monkeypatch.setattr(photos, "clean_photo", spy)
    path = booking_path if target == "booking" else concern_path
    assert _upload(api, user, path, _jpeg()).status_code == 201
    assert seen == [False]


# --- 2: concern photos count with booking photos toward 30 an hour -------------------------


def test_concern_photos_share_the_photo_limit_with_booking_photos(app, api, her, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PHOTOS_PER_ACCOUNT", "3/hour")
    user, booking_path, concern_path = her
    assert _upload(api, user, booking_path, _jpeg()).status_code == 201
    assert _upload(api, user, concern_path, _jpeg()).status_code == 201
    assert _upload(api, user, concern_path, _jpeg()).status_code == 201
    assert _upload(api, user, concern_path, _jpeg()).status_code == 429
    assert _upload(api, user, booking_path, _jpeg()).status_code == 429


def test_the_concern_page_counts_its_photos_too(app, api, her, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PHOTOS_PER_ACCOUNT", "2/hour")
    user, booking_path, _concern = her
    assert _upload(api, user, booking_path, _jpeg()).status_code == 201
    client = _signed_in(app, user)
    page = client.get("/concerns/new").get_data(as_text=True)
    sent = client.post(
        "/concerns/new",
        data={
            "csrf_token": csrf_token_of(page),
            "category": "facilities",
            "description": "路灯不亮",
            "where": "home",
            "photos": [(io.BytesIO(_jpeg()), "a.jpg"), (io.BytesIO(_jpeg()), "b.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 429


# --- review C H1/H2: ordinary phone photos on the forms --------------------------------------


def _concern_form(app, user, files, **fields):
    client = _signed_in(app, user)
    page = client.get("/concerns/new").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_of(page),
        "category": "leaks_pipes",
        "description": "卫生间天花板滴水，已经三天了",
        "where": "home",
        **fields,
    }
    fields = MultiDict(data)
    for n, raw in enumerate(files):
        fields.add("photos", FileStorage(io.BytesIO(raw), filename=f"IMG_{n}.jpg"))
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(fields)
    return client.post(
        "/concerns/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_three_ordinary_6_mb_phone_photos_are_accepted_and_scaled(app, her):
    user = her[0]
    sent = _concern_form(app, user, [phone_photo(6)] * 3)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]


def test_an_oversized_photo_brings_the_form_back_with_her_text(app, her):
    user = her[0]
    sent = _concern_form(app, user, [phone_photo(11)])
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert "卫生间天花板滴水，已经三天了" in page
    assert "照片太大" in page
    assert "请重新选择" in page


def test_four_large_photos_bring_the_form_back_not_a_bare_page(app, her):
    user = her[0]
    sent = _concern_form(app, user, [phone_photo(6)] * 4)  # 24 MB: over the old 16 MB limit
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert "卫生间天花板滴水，已经三天了" in page and "请重新选择" in page


@pytest.mark.parametrize("form", ["concern", "booking"])
def test_a_form_error_tells_her_to_choose_her_photos_again(app, make, her, form):
    user = her[0]
    if form == "concern":
        sent = _concern_form(app, user, [_jpeg()], category="")
    else:
        client = _signed_in(app, user)
        page = client.get("/book").get_data(as_text=True)
        sent = client.post(
            "/book",
            data={
                "csrf_token": csrf_token_of(page),
                "description": "水龙头漏水",
                "photos": [(io.BytesIO(_jpeg()), "a.jpg")],
            },
            content_type="multipart/form-data",
        )
    assert sent.status_code == 422
    assert "照片没有保存，请重新选择" in sent.get_data(as_text=True)


def test_a_form_error_without_photos_says_nothing_about_photos(app, her):
    sent = _concern_form(app, her[0], [], category="")
    assert sent.status_code == 422
    assert "请重新选择" not in sent.get_data(as_text=True)


# --- 3: an approved volunteer's new skills and grids wait for the office --------------------


@pytest.fixture
def plumber(api, make):
    community = make.community()
    home, other = make.grid(community), make.grid(community)
    volunteer = make.volunteer([home], categories=("plumbing",), name="沈林益")
    office = make.office(community)
    haircut = make.category("haircut")
    plumbing = make.category("plumbing")
    return volunteer, office, home, other, plumbing, haircut


def test_an_approved_volunteer_adds_skills_and_grids_only_through_the_office(api, make, plumber):
    volunteer, office, home, other, plumbing, haircut = plumber
    him = volunteer.account_user
    asked = api.as_(him).patch(
        "/me/volunteer",
        json={"category_ids": [plumbing.id, haircut.id], "grid_ids": [home.id, other.id]},
    )
    assert asked.status_code == 200, asked.json
    assert asked.json["status"] == "approved"
    assert asked.json["category_ids"] == [plumbing.id]
    assert asked.json["pending_category_ids"] == [haircut.id]
    assert asked.json["grid_ids"] == [home.id]
    assert asked.json["pending_grid_ids"] == [other.id]

    # A haircut asked for in the other grid is not his to take yet.
    her = make.resident(other, name="王秀英").account_user
    from tests.factories import tomorrow

    booking = api.as_(her).post(
        "/bookings",
        json={
            "category_id": haircut.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "上门理发",
        },
    )
    assert booking.status_code == 201, booking.json
    jobs = api.as_(him).get("/jobs").json["items"]
    assert booking.json["id"] not in [j["id"] for j in jobs]
    assert api.as_(him).post(f"/bookings/{booking.json['id']}/accept").status_code in (403, 404)

    approved = api.as_(office).post(f"/volunteers/{volunteer.id}/approve", json={})
    assert approved.status_code == 200, approved.json
    assert sorted(approved.json["category_ids"]) == sorted([plumbing.id, haircut.id])
    assert approved.json["pending_category_ids"] == [] and approved.json["pending_grid_ids"] == []
    jobs = api.as_(him).get("/jobs").json["items"]
    assert booking.json["id"] in [j["id"] for j in jobs]


def test_the_office_may_refuse_the_additions_and_he_keeps_what_he_had(api, plumber):
    volunteer, office, _home, _other, plumbing, haircut = plumber
    him = volunteer.account_user
    api.as_(him).patch("/me/volunteer", json={"category_ids": [plumbing.id, haircut.id]})
    refused = api.as_(office).post(
        f"/volunteers/{volunteer.id}/refuse", json={"reason": "没有理发经验"}
    )
    assert refused.status_code == 200, refused.json
    assert refused.json["status"] == "approved"
    assert refused.json["category_ids"] == [plumbing.id]
    assert refused.json["pending_category_ids"] == []
    # With nothing waiting, approving him again is the old conflict.
    assert api.as_(office).post(f"/volunteers/{volunteer.id}/approve", json={}).status_code == 409


def test_an_application_not_yet_approved_is_changed_directly(api, make):
    grid = make.grid()
    from happiness_fair.catalogue.models import VolunteerStatus

    volunteer = make.volunteer([grid], status=VolunteerStatus.pending)
    haircut = make.category("haircut")
    changed = api.as_(volunteer.account_user).patch(
        "/me/volunteer", json={"category_ids": [haircut.id]}
    )
    assert changed.status_code == 200
    assert (
        changed.json["category_ids"] == [haircut.id] and changed.json["pending_category_ids"] == []
    )


def test_the_skills_page_says_additions_wait_for_the_office(app, api, plumber):
    volunteer, office, home, _other, plumbing, haircut = plumber
    him = volunteer.account_user
    client = _signed_in(app, him)
    page = client.get("/volunteer/skills").get_data(as_text=True)
    assert "社区办公室" in page
    saved = client.post(
        "/volunteer/skills",
        data={
            "csrf_token": csrf_token_of(page),
            "category_ids": [str(plumbing.id), str(haircut.id)],
            "grid_ids": [str(home.id)],
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "等社区办公室审核" in saved.get_data(as_text=True)
    again = client.get("/volunteer/skills").get_data(as_text=True)
    assert "待审核" in again
    office_page = _signed_in(app, office).get("/office/volunteers?status=pending")
    assert "沈林益" in office_page.get_data(as_text=True)


def test_his_export_holds_the_skills_waiting_for_approval(api, plumber):
    volunteer, _office, _home, _other, plumbing, haircut = plumber
    him = volunteer.account_user
    api.as_(him).patch("/me/volunteer", json={"category_ids": [plumbing.id, haircut.id]})
    exported = api.as_(him).get("/me/export").json["volunteer"]
    assert exported["pending_category_ids"] == [haircut.id]


def test_a_form_body_over_the_api_limit_still_brings_the_form_back(app, her):
    user = her[0]
    sent = _concern_form(app, user, [phone_photo(7)] * 5)  # 35 MB: over MAX_CONTENT_LENGTH
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert "卫生间天花板滴水，已经三天了" in page and "请重新选择" in page
