"""Deployment smoke test: docs/DEPLOY.md's first start, then gunicorn with two workers (the
repository's gunicorn.conf.py) on this run's database kind with REDIS_URL set, driven over HTTP on
127.0.0.1 as nginx forwards: health, sign-in, a booking through to confirmation, and a sign-in
rate limit that both workers share. On a PostgreSQL run (TEST_DATABASE_URL) it runs on a temporary
PostgreSQL database; on a SQLite run, on a new SQLite file.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from .production import ROOT, Gunicorn, flask, hf, production_env, write_env_file

PASSWORD = "a-long-pass-2024"
OFFICE = "13800138001"
GRANDMA = "13800138002"
PLUMBER = "13800138003"
BIRTH_DATE = "1941-03-08"
# Whatever a person typed that is personal: none of it may appear in any log line.
PERSONAL = [OFFICE, GRANDMA, PLUMBER, BIRTH_DATE, "1941年", "幸福小区 1幢", "3单元", "402室"]

pytestmark = pytest.mark.slow


@pytest.fixture
def production(fresh_database_url, redis_url, tmp_path):
    """First start as docs/DEPLOY.md says, then gunicorn; stopped and its logs kept after."""
    url, prefix = redis_url
    extra = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2", "GUNICORN_BIND": "127.0.0.1:0"}
    if url:
        extra.update(REDIS_URL=url, RATELIMIT_KEY_PREFIX=prefix)
    env = production_env(fresh_database_url, tmp_path / "instance", **extra)
    env_file = write_env_file(env, tmp_path / "env")

    # docs/DEPLOY.md step 5, through deploy/hf and the environment file.
    init = hf(env_file, "init-db")
    assert init.returncode == 0, init.stderr
    places = hf(
        env_file,
        "import-places",
        str(ROOT / "deploy" / "places.example.csv"),
        "--community",
        "幸福社区",
        "--street",
        "幸福街道",
    )
    assert places.returncode == 0, places.stderr
    assert "4 buildings added" in places.stdout
    office = hf(
        env_file,
        "create-user",
        "--phone",
        OFFICE,
        "--name",
        "王主任",
        "--role",
        "office",
        "--community",
        "幸福社区",
        "--password",
        PASSWORD,
    )
    assert office.returncode == 0, office.stderr

    server = Gunicorn(env, tmp_path)
    server.start()
    server.redis = url
    try:
        yield server
    finally:
        server.stop()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _token(server, phone: str) -> str:
    answer = server.request(
        "POST", "/api/v1/auth/tokens", json_body={"phone": phone, "password": PASSWORD}
    )
    assert answer.status == 201, answer.body
    return answer.json["token"]


def test_a_fresh_deployment_serves_and_books_through_two_workers(production):
    server = production

    # Health, with the request id nginx sent coming back.
    health = server.request("GET", "/healthz", request_id="nginx-0123456789abcdef")
    assert (health.status, health.json) == (200, {"status": "ok"})
    assert health.headers["x-request-id"] == "nginx-0123456789abcdef"
    assert "max-age" in health.headers["strict-transport-security"]  # https said by the proxy

    # The home page names its static files by content; those may be kept for a year.
    home = server.request("GET", "/")
    assert home.status == 200
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', home.text).group(1)
    static = server.request("GET", css)
    assert static.status == 200 and b"{" in static.body
    assert static.headers["cache-control"] == "public, max-age=31536000, immutable"

    # The first office account signs in on the web page (a cookie session over "https").
    page = server.request("GET", "/login")
    signed_in = server.request(
        "POST",
        "/login",
        form={"phone": OFFICE, "password": PASSWORD, "csrf_token": _csrf(page.text)},
        cookies=page.cookies,
        # A browser sends it (Referrer-Policy: same-origin); over https Flask-WTF insists.
        headers={"Referer": "https://fair.example.cn/login"},
    )
    assert signed_in.status == 303, signed_in.text
    session = signed_in.cookies["hf_session"]
    (session_line,) = [c for c in signed_in.set_cookies if c.startswith("hf_session=")]
    assert "Secure" in session_line and "HttpOnly" in session_line
    home = server.request("GET", "/", cookies={"hf_session": session})
    assert "王主任" in home.text

    # Residents register themselves at a building of the imported list.
    communities = server.request("GET", "/api/v1/communities").json["items"]
    (community,) = [c for c in communities if c["name"] == "幸福社区"]
    buildings = server.request("GET", f"/api/v1/buildings?community_id={community['id']}").json
    building = next(b for b in buildings["items"] if b["name"] == "1幢")
    for phone, name, birth in ((GRANDMA, "张奶奶", BIRTH_DATE), (PLUMBER, "沈师傅", "1968-05-01")):
        registered = server.request(
            "POST",
            "/api/v1/auth/register",
            json_body={
                "phone": phone,
                "password": PASSWORD,
                "name": name,
                "building_id": building["id"],
                "unit": "3单元",
                "room": "402室",
                "birth_date": birth,
            },
        )
        assert registered.status == 201, registered.body

    office, grandma, plumber = (_token(server, p) for p in (OFFICE, GRANDMA, PLUMBER))

    # The plumber offers his skill, the office approves him, he lists a service.
    categories = server.request("GET", "/api/v1/categories").json["items"]
    plumbing = next(c["id"] for c in categories if c["code"] == "plumbing")
    applied = server.request(
        "POST",
        "/api/v1/me/volunteer",
        token=plumber,
        json_body={"bio": "修水管", "category_ids": [plumbing], "grid_ids": [building["grid_id"]]},
    )
    assert applied.status == 201, applied.body
    approved = server.request(
        "POST", f"/api/v1/volunteers/{applied.json['id']}/approve", token=office, json_body={}
    )
    assert approved.status == 200, approved.body
    listing = server.request(
        "POST",
        "/api/v1/listings",
        token=plumber,
        json_body={
            "category_id": plumbing,
            "title": "修水龙头",
            "description": "换阀芯、修漏水",
            "fee_fen": 2000,
            "duration_minutes": 60,
            "modes": ["home"],
        },
    )
    assert listing.status == 201, listing.body

    # Grandma books; the plumber takes, starts and completes it; she confirms.
    booked = server.request(
        "POST",
        "/api/v1/bookings",
        token=grandma,
        json_body={
            "listing_id": listing.json["id"],
            "date": (date.today() + timedelta(days=2)).isoformat(),
            "period": "morning",
            "mode": "home",
            "description": "厨房水龙头漏水",
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert booked.status == 201, booked.body
    booking = booked.json["id"]
    for action, body in (
        ("accept", {}),
        ("start", {}),
        ("complete", {"minutes": 40, "materials_fen": 0}),
    ):
        done = server.request(
            "POST", f"/api/v1/bookings/{booking}/{action}", token=plumber, json_body=body
        )
        assert done.status == 200, (action, done.body)
    confirmed = server.request(
        "POST",
        f"/api/v1/bookings/{booking}/confirm",
        token=grandma,
        json_body={"rating": 5, "comment": "谢谢沈师傅"},
    )
    assert confirmed.status == 200, confirmed.body
    assert confirmed.json["status"] == "confirmed"
    assert [e["to_status"] for e in confirmed.json["events"]] == [
        "requested",
        "accepted",
        "in_progress",
        "completed",
        "confirmed",
    ]
    seen = server.request("GET", f"/api/v1/bookings/{booking}", token=office)
    assert seen.json["status"] == "confirmed"

    # What cron / the systemd timer runs works against the same database.
    scheduled = flask(server.env, "run-scheduled")
    assert scheduled.returncode == 0, scheduled.stderr

    # Every log line is JSON, and none holds a phone number, a birth date or an address.
    server.stop()
    lines = server.lines()
    assert lines and not [line for line in lines if "unparsed" in line]
    raw = "\n".join(server.raw_lines())
    leaked = [item for item in PERSONAL if item in raw]
    assert leaked == [], f"personal data in the logs: {leaked}"
    access = server.access()
    assert any(line.get("request_id") == "nginx-0123456789abcdef" for line in access)
    assert all(line["request_id"] and "?" not in line["path"] for line in access)
    assert len({line["pid"] for line in access}) == 2, "both workers served requests"


def test_two_workers_share_the_sign_in_rate_limit_through_redis(production):
    """The failures from one address are counted once across both workers: once one worker
    refuses, the other refuses too (with counters in each process it would still say 401)."""
    server = production
    if not server.redis:
        pytest.skip("Redis is not answering at TEST_REDIS_URL: the shared limit needs it")

    def attempt(client: str, phone: str) -> tuple[str, int]:
        request_id = f"limit-{uuid.uuid4().hex}"
        answer = server.request(
            "POST",
            "/api/v1/auth/tokens",
            json_body={"phone": phone, "password": "not-the-password"},
            client=client,
            request_id=request_id,
        )
        return request_id, answer.status

    for round_ in range(6):
        client = f"203.0.113.{round_ + 1}"
        # A new phone number each time: only the per-address limit is at work.
        failed = []
        while len(failed) < 60:
            request_id, status = attempt(client, f"1390000{round_:02d}{len(failed):02d}")
            if status == 429:
                break
            assert status == 401
            failed.append(request_id)
        else:
            pytest.fail("60 failed sign-ins from one address and no limit")
        after = [attempt(client, f"1380000{round_:02d}{n:02d}") for n in range(8)]
        assert [status for _, status in after] == [429] * 8
        served_by = server.served_by([*failed, *(r for r, _ in after)])
        if len({served_by[r] for r in failed}) == 2 and len({served_by[r] for r, _ in after}) == 2:
            break
    else:
        pytest.fail("each round went mostly to one worker: the sharing was not shown")
    assert len(failed) >= 3

    # Another address is not held back by the first one's failures (ProxyFix: X-Forwarded-For).
    assert attempt("192.0.2.200", "13900009999")[1] == 401
    limited = server.request(
        "POST",
        "/api/v1/auth/tokens",
        json_body={"phone": "13900009998", "password": "x" * 9},
        client=client,
    )
    assert limited.status == 429
    assert limited.json["error"]["code"] == "rate_limited"
