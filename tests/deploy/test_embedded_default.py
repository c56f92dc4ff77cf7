"""The embedded default (no REDIS_URL, as scripts/start runs it) keeps rate-limit counters in
memory, so gunicorn.conf.py runs one process with threads and never recycles it: the sign-in
limit of 10 failures a minute per address holds exactly (with two processes it was 20)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from .production import Gunicorn, flask, production_env

pytestmark = pytest.mark.slow


def test_the_started_server_has_one_process_and_the_sign_in_limit_holds(
    fresh_database_url, tmp_path
):
    env = production_env(
        fresh_database_url,
        tmp_path / "instance",
        WEB_CONCURRENCY="3",  # asked for, and still one process: the counters must be shared
        GUNICORN_BIND="127.0.0.1:0",
    )
    assert "REDIS_URL" not in env
    assert flask(env, "init-db").returncode == 0
    server = Gunicorn(env, tmp_path)
    server.start()
    try:
        time.sleep(1.5)  # time for any further worker to boot, if one were configured
        assert len(server.worker_pids()) == 1
        statuses = [
            server.request(
                "POST",
                "/api/v1/auth/tokens",
                json_body={"phone": f"1390000{n:04d}", "password": "not-the-password"},
                client="203.0.113.50",
            ).status
            for n in range(14)
        ]
        assert statuses == [401] * 10 + [429] * 4
        assert len(server.worker_pids()) == 1  # no worker was recycled or added
    finally:
        server.stop()


def test_start_refuses_a_taken_port_at_once_and_says_what_to_do():
    """The review's L4: with the port taken, scripts/start printed "running at", then gunicorn
    gave up and the script ended with 0. Now it checks the port first."""
    root = Path(__file__).resolve().parents[2]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
        started = subprocess.run(
            [str(root / "scripts" / "start")], env=env, capture_output=True, text=True, timeout=120
        )
    assert started.returncode != 0
    assert "running at" not in started.stdout
    assert f"port {port}" in started.stderr and "PORT=5001 scripts/start" in started.stderr
