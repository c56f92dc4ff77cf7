"""What the fault tests (test_faults.py) start and break: a private PostgreSQL and a private Redis
on free ports in temporary folders (never the machine's own, which the rest of the suite and CI
use), gunicorn with the repository's gunicorn.conf.py (optionally as an unprivileged user), and
clients that book and read all the while, keeping every answer."""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_user(user: str | None) -> list[str]:
    """The command prefix that drops root to `user` (nothing when we are not root)."""
    if user is None or os.geteuid() != 0:
        return []
    entry = pwd.getpwnam(user)
    return [
        "setpriv",
        f"--reuid={entry.pw_uid}",
        f"--regid={entry.pw_gid}",
        "--clear-groups",
        "--",
    ]


def owned_tempdir(user: str | None, prefix: str) -> Path:
    """A new folder in /tmp that `user` owns (pytest's own tmp_path is root's and closed)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None and os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PrivatePostgres:
    """initdb + pg_ctl into a temporary folder on a free port (as the `postgres` user when we are
    root, since PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = owned_tempdir(self.user, "hf-faults-pg-")
        self.data = self.dir / "data"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*as_user(self.user), *args],
            check=True,
            capture_output=True,
            timeout=timeout,
            cwd=self.dir,
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
            " -c fsync=off -c max_connections=40"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.dir / "postgres.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """redis-server on a free port, nothing saved; stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def keys(self, pattern: str) -> list:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        try:
            return client.keys(pattern)
        finally:
            client.close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class App:
    """gunicorn (gunicorn.conf.py, 2 workers) on a free port; its JSON log lines are read from a
    pipe (a file-size limit on the workers must not stop their logging)."""

    def __init__(self, env: dict[str, str], log: Path, user: str | None = None, processes: int = 2):
        # gunicorn.conf.py runs one process without REDIS_URL (the embedded default), else two.
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"}
        self.log, self.user, self.processes = log, user, processes
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60, health: int = 200) -> None:
        """`health`: what /healthz should answer once up (503 on a database it cannot write)."""
        self.process = subprocess.Popen(
            [*as_user(self.user), sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                time.sleep(0.5)
                raise RuntimeError("gunicorn stopped:\n" + "\n".join(self.lines[-30:]))
            try:
                if (
                    self.request("GET", "/healthz").status == health
                    and len(self.workers()) == self.processes
                ):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer:\n" + "\n".join(self.lines[-30:]))

    def _read(self, process: subprocess.Popen) -> None:
        with self.log.open("ab") as out, process.stdout:
            for raw in process.stdout:
                out.write(raw)
                out.flush()
                self.lines.append(raw.decode(errors="replace").rstrip())

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def logged(self, text: str) -> list[dict]:
        out = []
        for line in self.lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if text in entry.get("msg", ""):
                out.append(entry)
        return out

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body=None,
        raw: tuple[str, bytes] | None = None,
        client: str = "198.51.100.7",
        headers: dict | None = None,
        timeout: float = 15,
    ) -> Answer:
        sent = {
            "Host": "fair.example.cn",
            "X-Forwarded-For": client,
            "X-Forwarded-Proto": "https",
            "Accept-Language": "zh-CN",
            **(headers or {}),
        }
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        elif raw is not None:
            sent["Content-Type"], body = raw
        if token:
            sent["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            got = {k.lower(): v for k, v in response.getheaders()}
            return Answer(response.status, got, data)
        finally:
            connection.close()


@dataclass
class Seen:
    """One answer a client got, with the phase of the test it came in."""

    phase: str
    what: str  # "book", "read", "page", "sign-in"
    status: int
    problem: str | None  # why this answer is not in API.md's shape (None: it is)
    booking_id: int | None = None


def shape_problem(answer: Answer, html: bool) -> str | None:
    """None when an answer is what API.md and RELIABILITY.md promise; otherwise what is wrong."""
    if answer.status == 500 or (answer.status >= 502 and answer.status != 503):
        return f"status {answer.status}"
    if answer.status < 400:
        return None
    if answer.status == 503 and "retry-after" not in answer.headers:
        return "503 without Retry-After"
    if html:
        text = answer.body.decode(errors="replace")
        if "系统正在维护，请稍后再试" not in text or 'class="site-name"' not in text:
            return f"{answer.status} page is not the app's maintenance page"
        return None
    try:
        error = answer.json["error"]
    except (ValueError, KeyError, TypeError):
        return f"{answer.status} body not in the error shape: {answer.body[:200]!r}"
    if answer.status == 503 and error.get("code") != "unavailable":
        return f"503 with code {error.get('code')}"
    if not error.get("message") or set(error) - {"code", "message", "fields"}:
        return f"error body {error}"
    if answer.status == 503 and error["message"] != "系统正在维护，请稍后再试":
        return f"503 message {error['message']!r}"
    return None


class Load:
    """Clients booking and reading (API and a page) in threads until stopped; every answer kept,
    with the phase the test was in."""

    def __init__(self, app: App, tokens: list[str], booking: dict):
        self.app, self.tokens, self.booking = app, tokens, booking
        self.phase = "start"
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.paused = threading.Event()  # while the server is restarted on purpose
        self.threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(len(tokens))
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _keep(self, what: str, answer: Answer, html: bool = False, booking_id=None) -> None:
        with self.lock:
            self.seen.append(
                Seen(self.phase, what, answer.status, shape_problem(answer, html), booking_id)
            )

    def _client(self, n: int) -> None:
        token = self.tokens[n]
        for i in range(100_000):
            if self.stopping.is_set():
                return
            if self.paused.is_set():
                time.sleep(0.1)
                continue
            try:
                key = f"c{n}-{i}"
                answer = self.app.request(
                    "POST",
                    "/api/v1/bookings",
                    token=token,
                    json_body=self.booking,
                    headers={"Idempotency-Key": key},
                )
                booking_id = answer.json["id"] if answer.status == 201 else None
                self._keep("book", answer, booking_id=booking_id)
                self._keep(
                    "read", self.app.request("GET", "/api/v1/bookings?per_page=5", token=token)
                )
                if i % 3 == 0:
                    self._keep("page", self.app.request("GET", "/"), html=True)
            except (OSError, http.client.HTTPException) as exc:
                with self.lock:
                    self.seen.append(Seen(self.phase, "connection", 0, f"no answer: {exc!r}"))
            time.sleep(0.05)

    def in_phase(self, phase: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.phase == phase]

    def wait_for(self, what: str, status: int, phase: str, timeout: float) -> float:
        """Seconds until a `what` answered `status` in `phase` (the recovery time)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if any(s.what == what and s.status == status for s in self.in_phase(phase)):
                return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"no {what} answered {status} within {timeout} s in {phase}")

    def problems(self) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.problem]

    def acknowledged(self) -> list[int]:
        with self.lock:
            return [s.booking_id for s in self.seen if s.status == 201 and s.booking_id]

    def summary(self) -> dict[str, dict[str, int]]:
        """Per phase, how many answers of each status (for the report)."""
        out: dict[str, dict[str, int]] = {}
        with self.lock:
            for s in self.seen:
                counts = out.setdefault(s.phase, {})
                key = f"{s.what} {s.status}"
                counts[key] = counts.get(key, 0) + 1
        return out
