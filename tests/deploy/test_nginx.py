"""deploy/nginx/happiness-fair.conf for real: `nginx -t`, then nginx (TLS, a self-signed
certificate) in front of gunicorn on ports the system picks. Skipped where nginx is not installed
(`apt-get install nginx`; .ci/run installs it)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from .production import ROOT, Gunicorn, flask, production_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _site(tmp, app_port: int, http_port: int, https_port: int) -> str:
    """The site file as shipped, with this machine's paths and ports put in."""
    site = (ROOT / "deploy" / "nginx" / "happiness-fair.conf").read_text()
    replacements = {
        "127.0.0.1:8000": f"127.0.0.1:{app_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl http2 default_server;": (
            f"listen 127.0.0.1:{https_port} ssl http2 default_server;"
        ),
        "/etc/letsencrypt/live/fair.example.cn/": f"{tmp}/",
        "/srv/happiness-fair/static/": f"{ROOT}/static/",
        "/var/log/nginx/": f"{tmp}/",
        "/var/www/html": f"{tmp}",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    return "\n".join(line for line in site.splitlines() if "[::]" not in line)


@pytest.fixture
def nginx(fresh_database_url, redis_url, tmp_path):
    url, prefix = redis_url
    extra = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2", "GUNICORN_BIND": "127.0.0.1:0"}
    if url:
        extra.update(REDIS_URL=url, RATELIMIT_KEY_PREFIX=prefix)
    env = production_env(fresh_database_url, tmp_path / "instance", **extra)
    assert flask(env, "init-db").returncode == 0
    app = Gunicorn(env, tmp_path)
    app.start()

    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=fair.example.cn",
            "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    http_port, https_port = _free_port(), _free_port()
    (tmp_path / "site.conf").write_text(_site(tmp_path, app.port, http_port, https_port))
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx.error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    access_log off;
    include {tmp_path}/site.conf;
}}
"""
    )
    command = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield app, http_port, https_port, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)
        app.stop()


def _get(port, method, path, *, tls=True, body=None, headers=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Host": "fair.example.cn", **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/json"
        body = json.dumps(body)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_nginx_serves_static_files_itself_and_passes_the_rest_to_gunicorn(nginx):
    app, http_port, https_port, logs = nginx

    status, headers, _ = _get(http_port, "GET", "/login?next=/x", tls=False)
    assert (status, headers["location"]) == (301, "https://fair.example.cn/login?next=/x")

    status, headers, body = _get(https_port, "GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    request_id = headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, kept by the app

    status, headers, body = _get(https_port, "GET", "/")
    assert status == 200 and "max-age" in headers["strict-transport-security"]
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', body.decode()).group(1)
    status, headers, body = _get(https_port, "GET", css)
    assert status == 200 and b"{" in body
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "x-request-id" not in headers  # nginx answered; gunicorn never saw it
    status, headers, _ = _get(https_port, "GET", "/static/app.css")
    assert headers["cache-control"] == "public, max-age=3600"

    # A made-up X-Forwarded-For does not get past nginx: the limit counts the real address.
    statuses = []
    for n in range(60):
        statuses.append(
            _get(
                https_port,
                "POST",
                "/api/v1/auth/tokens",
                body={"phone": f"1390000{n:04d}", "password": "not-the-password"},
                headers={"X-Forwarded-For": f"192.0.2.{n}"},
            )[0]
        )
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}

    # Neither log keeps a query string (a search for a phone number, here).
    _get(https_port, "GET", "/api/v1/listings?q=13800138002")
    app.stop()
    nginx_log = (logs / "happiness-fair.access.log").read_text()
    assert f"id={request_id}" in nginx_log
    assert any(line.get("request_id") == request_id for line in app.access())
    assert "13800138002" not in nginx_log
    assert "13800138002" not in "\n".join(app.raw_lines())


def test_nginx_answers_its_own_chinese_page_when_no_app_worker_answers(nginx):
    """gunicorn stopped (a restart, a crash): nginx's 502 is the static Chinese page, and API.md's
    error body under /api/, never nginx's bare "502 Bad Gateway"."""
    app, _, https_port, _ = nginx
    app.stop()

    status, headers, body = _get(https_port, "GET", "/bookings")
    page = body.decode()
    assert status == 502
    assert headers["content-type"].startswith("text/html") and "utf-8" in headers["content-type"]
    assert "系统正在维护，请稍后再试" in page and 'lang="zh-CN"' in page
    assert "<center>nginx" not in page and "Bad Gateway" not in page  # not nginx's own page
    assert headers["retry-after"] == "30" and headers["cache-control"] == "no-store"

    status, headers, body = _get(https_port, "GET", "/api/v1/bookings")
    assert status == 502 and headers["content-type"].startswith("application/json")
    assert json.loads(body) == {
        "error": {"code": "unavailable", "message": "系统正在维护，请稍后再试"}
    }
    assert headers["retry-after"] == "30"

    # The page's style sheet comes from nginx itself, app or no app.
    status, _, _ = _get(https_port, "GET", "/static/app.css")
    assert status == 200
    # The internal locations are not pages of their own.
    assert _get(https_port, "GET", "/_unavailable.html")[0] == 404


def _no_answer(port, *, tls, host, sni=None):
    """True when nginx closes the connection without any HTTP answer (444)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            raw = context.wrap_socket(raw, server_hostname=sni)
        raw.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := raw.recv(4096):
            received += chunk
    except (ssl.SSLError, ConnectionResetError):
        received = b""
    finally:
        raw.close()
    return received == b""


def test_a_foreign_host_gets_no_answer_from_the_app(nginx):
    app, http_port, https_port, _logs = nginx
    status, headers, _ = _get(https_port, "GET", "/healthz")
    assert status == 200  # the site's own name still works
    # A worker logs just after it has answered: wait for that line before counting.
    app.served_by([headers["x-request-id"]])
    before = len(app.access())
    # The site's certificate name in the handshake but another Host header; another name in both;
    # no name at all (a scanner going by address); and plain http with a stranger's name.
    assert _no_answer(https_port, tls=True, host="evil.example", sni="fair.example.cn")
    assert _no_answer(https_port, tls=True, host="evil.example", sni="evil.example")
    assert _no_answer(https_port, tls=True, host="127.0.0.1")
    assert _no_answer(http_port, tls=False, host="evil.example")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        _get(https_port, "GET", "/", headers={"Host": "evil.example"})
    time.sleep(0.5)
    assert len(app.access()) == before  # gunicorn never saw them
    assert _get(http_port, "GET", "/", tls=False)[0] == 301  # certbot's port still answers the site
