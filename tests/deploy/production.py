"""The production path run for real: `flask` commands and gunicorn in their own processes, spoken to
over HTTP on 127.0.0.1 the way nginx speaks to them (docs/DEPLOY.md)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def production_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment file of deploy/env.example, as the systemd units pass it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "HF_", "GUNICORN_", "RATELIMIT_", "DB_"))
        and k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WEB_CONCURRENCY"}
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=uuid.uuid4().hex * 2,
        HF_INSTANCE_PATH=str(instance),
        TRUSTED_PROXIES="1",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",  # Gunicorn.start() reads the port from gunicorn's "Listening at" line
    )
    env.update(extra)
    return env


def write_env_file(env: dict[str, str], path: Path) -> Path:
    """The settings as /etc/happiness-fair/env holds them (what systemd and deploy/hf read)."""
    keep = set(env) - set(os.environ) | {k for k in env if env[k] != os.environ.get(k)}
    path.write_text("".join(f"{k}={env[k]}\n" for k in sorted(keep)))
    return path


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`flask --app wsgi ARGS` as an operator types it."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def hf(env_file: Path, *args: str) -> subprocess.CompletedProcess:
    """deploy/hf ARGS: docs/DEPLOY.md's way of running an operating command."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    return subprocess.run(
        [str(ROOT / "deploy" / "hf"), *args],
        env={**clean, "HF_ENV_FILE": str(env_file), "HF_VENV": sys.prefix},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py, on a port the system picks."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env = env
        self.out_path = logs / "gunicorn.out"
        self.err_path = logs / "gunicorn.err"
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self, timeout: float = 60) -> None:
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.err_path.read_text()}")
            found = LISTENING.search(self.err_path.read_text())
            if found and self.port is None:
                self.port = int(found.group(1))
            if self.port and len(self.worker_pids()) >= self.expected_workers:
                try:
                    if self.request("GET", "/healthz").status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer:\n{self.err_path.read_text()}")

    @property
    def expected_workers(self) -> int:
        """gunicorn.conf.py: WEB_CONCURRENCY processes with REDIS_URL, one without."""
        if not self.env.get("REDIS_URL"):
            return 1
        return int(self.env.get("WEB_CONCURRENCY") or 2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> set[int]:
        return {
            line["pid"]
            for line in self.lines()
            if line.get("msg", "").startswith("Booting worker with pid")
        }

    def raw_lines(self) -> list[str]:
        text = self.out_path.read_text() + self.err_path.read_text()
        return [line for line in text.splitlines() if line.strip()]

    def lines(self) -> list[dict]:
        """Every log line, each a JSON object (a line that is not fails the caller's json.loads)."""
        out = []
        for line in self.raw_lines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"unparsed": line})
        return out

    def access(self) -> list[dict]:
        return [line for line in self.lines() if line.get("logger") == "gunicorn.access"]

    def served_by(self, request_ids, timeout: float = 10) -> dict[str, int]:
        """Which worker (pid) served each request; a worker logs just after it has answered."""
        deadline = time.monotonic() + timeout
        while True:
            pids = {line["request_id"]: line["pid"] for line in self.access()}
            if all(r in pids for r in request_ids) or time.monotonic() > deadline:
                return {r: pids[r] for r in request_ids}
            time.sleep(0.1)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body=None,
        form: dict | None = None,
        token: str | None = None,
        cookies: dict[str, str] | None = None,
        client: str = "198.51.100.7",
        request_id: str | None = None,
        headers: dict | None = None,
    ) -> Answer:
        """One request on a new connection (so either worker may take it), as nginx forwards it."""
        sent = {
            "Host": "fair.example.cn",
            "X-Forwarded-For": client,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "fair.example.cn",
            "Accept-Language": "zh-CN",
        }
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if request_id:
            sent["X-Request-ID"] = request_id
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            got = {k.lower(): v for k, v in response.getheaders()}
            lines = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
            cookies_set = {}
            for line in lines:
                key, _, rest = line.partition("=")
                cookies_set[key.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, got, data, cookies_set, lines)
        finally:
            connection.close()
