"""nginx's 504: an app worker that takes the request and never answers (stuck past
`proxy_read_timeout`, shortened to 1 s here) gets the same static Chinese page as a 502
(deploy/nginx/happiness-fair.conf `error_page 502 504`). Skipped where nginx is not installed."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time

import pytest

from .test_nginx import _free_port, _get, _site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]


@pytest.fixture
def nginx_before_a_stuck_app(tmp_path):
    stuck = socket.socket()  # listens, accepts into its backlog, never answers
    stuck.bind(("127.0.0.1", 0))
    stuck.listen(16)
    https_port = _free_port()
    site = _site(tmp_path, stuck.getsockname()[1], _free_port(), https_port)
    assert "proxy_read_timeout 35s;" in site
    site = site.replace("proxy_read_timeout 35s;", "proxy_read_timeout 1s;")
    (tmp_path / "site.conf").write_text(site)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=fair.example.cn",
            "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    mime = os.environ.get("NGINX_MIME_TYPES", "/etc/nginx/mime.types")  # an unpacked nginx
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx.error.log;
events {{ worker_connections 64; }}
http {{
    include {mime};
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
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield https_port
    finally:
        process.terminate()
        process.wait(timeout=10)
        stuck.close()


def test_a_stuck_app_gets_the_same_chinese_page_as_504(nginx_before_a_stuck_app):
    port = nginx_before_a_stuck_app
    status, headers, body = _get(port, "GET", "/")
    assert status == 504
    assert "系统正在维护，请稍后再试" in body.decode() and "Gateway" not in body.decode()
    assert headers["retry-after"] == "30"
    status, headers, body = _get(port, "GET", "/api/v1/bookings")
    assert status == 504
    assert json.loads(body)["error"]["code"] == "unavailable"
