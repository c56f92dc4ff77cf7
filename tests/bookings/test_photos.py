"""Photos of the problem: JPEG or PNG, at most 10 MB and 3 per booking, stripped of location
data, and shown only to those who may see them (PRODUCT.md "Bookings")."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

GPS_IFD = 0x8825
NANTONG = {1: "N", 2: (32.0, 0.0, 0.0), 3: "E", 4: (120.0, 51.0, 0.0)}


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = NANTONG
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def upload(api, user, booking_id, data: bytes, name="leak.jpg"):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(data), filename=name)})
    return api.as_(user).post(
        f"/bookings/{booking_id}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_jpeg_keeps_its_pixels_but_loses_its_gps_position(api, book, world):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test's premise
    booking = book()
    response = upload(api, world.grandma_user, booking["id"], original)
    assert response.status_code == 201, response.json
    assert response.json["url"] == f"/api/v1/bookings/{booking['id']}/photos/{response.json['id']}"
    served = api.as_(world.grandma_user).get(response.json["url"])
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    kept = Image.open(io.BytesIO(served.data))
    assert kept.size == (64, 48)
    assert not kept.getexif().get_ifd(GPS_IFD)
    assert len(kept.getexif()) == 0
    assert b"Exif" not in served.data[:2048]
    assert kept.getpixel((10, 10))[0] > 150  # still the red photo


def test_a_png_is_kept_as_a_png(api, book, world):
    booking = book()
    response = upload(api, world.grandma_user, booking["id"], png_bytes(), "a.png")
    assert response.status_code == 201
    served = api.as_(world.grandma_user).get(response.json["url"])
    assert served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).format == "PNG"


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"\x00" * 100,
        b"%PDF-1.4 not a photo",
        b"",
        jpeg_with_gps()[:200],  # a broken JPEG
    ],
    ids=["gif", "pdf", "empty", "truncated"],
)
def test_anything_but_a_jpeg_or_png_is_refused(api, book, world, data):
    booking = book()
    response = upload(api, world.grandma_user, booking["id"], data)
    assert response.status_code == 422
    assert "photo" in response.json["error"]["fields"]


def test_a_gif_image_is_refused(api, book, world):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = upload(api, world.grandma_user, book()["id"], out.getvalue(), "a.gif")
    assert response.status_code == 422


def test_a_photo_over_10_mb_is_refused(api, book, world):
    big = jpeg_with_gps() + b"\x00" * (10 * 1024 * 1024)
    response = upload(api, world.grandma_user, book()["id"], big)
    assert response.status_code == 422
    assert "too large" in response.json["error"]["fields"]["photo"][0]


def test_a_missing_photo_field_is_refused(api, book, world):
    response = api.as_(world.grandma_user).post(
        f"/bookings/{book()['id']}/photos", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422


def test_a_fourth_photo_is_a_conflict(api, book, world):
    booking = book()
    for _ in range(3):
        assert upload(api, world.grandma_user, booking["id"], jpeg_with_gps()).status_code == 201
    fourth = upload(api, world.grandma_user, booking["id"], jpeg_with_gps())
    assert fourth.status_code == 409
    assert len(api.as_(world.grandma_user).get(f"/bookings/{booking['id']}").json["photos"]) == 3


def test_a_volunteer_may_not_add_photos_and_strangers_do_not_find_the_booking(api, book, world):
    booking = book(listing_id=world.listing.id)
    assert upload(api, world.plumber.account_user, booking["id"], png_bytes()).status_code == 403
    assert upload(api, world.neighbour.account_user, booking["id"], png_bytes()).status_code == 404
    assert upload(api, world.grid_worker, booking["id"], png_bytes()).status_code == 201


def test_photos_of_an_open_request_are_shown_to_volunteers_who_may_take_it_only(
    api, act, book, world
):
    booking = book()
    url = upload(api, world.grandma_user, booking["id"], jpeg_with_gps()).json["url"]
    candidate = api.as_(world.plumber2.account_user)
    seen = candidate.get(f"/bookings/{booking['id']}").json
    assert seen["photos"] == [{"id": int(url.rsplit("/", 1)[1]), "url": url}]
    assert seen["address"] is None
    assert candidate.get(url).status_code == 200
    for outsider in (world.far_plumber, world.barber):
        assert api.as_(outsider.account_user).get(url).status_code == 404
    assert api.as_(world.neighbour.account_user).get(url).status_code == 404
    assert api.as_(world.other_grid_worker).get(url).status_code == 404
    # Once another volunteer has taken it, the others see it no more.
    assert act(world.plumber.account_user, booking["id"], "accept").status_code == 200
    assert candidate.get(url).status_code == 404
    assert api.as_(world.plumber.account_user).get(url).status_code == 200
    assert api.as_(world.office).get(url).status_code == 200


def test_a_photo_of_another_booking_is_not_found_through_this_one(api, book, world):
    mine = book()
    url = upload(api, world.grandma_user, mine["id"], png_bytes(), "a.png").json["url"]
    other = book(world.neighbour.account_user)
    wrong = url.replace(f"/bookings/{mine['id']}/", f"/bookings/{other['id']}/")
    assert api.as_(world.neighbour.account_user).get(wrong).status_code == 404
