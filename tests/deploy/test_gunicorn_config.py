"""gunicorn.conf.py: processes from the cores, overridable from the environment file."""

from __future__ import annotations

import os
import runpy

from .production import ROOT


def _load(monkeypatch, **env):
    names = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "DB_POOL_SIZE", "REDIS_URL",
             "GUNICORN_MAX_REQUESTS")  # fmt: skip
    for name in names:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_workers_follow_the_cores_and_each_holds_few_database_connections(monkeypatch):
    conf = _load(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    cores = len(os.sched_getaffinity(0))
    assert conf["workers"] == max(2, cores + 1)
    assert conf["worker_class"] == "gthread" and conf["threads"] == 4
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert os.environ["DB_POOL_SIZE"] == "4"
    assert conf["timeout"] == 30 and conf["preload_app"] is False
    assert conf["logger_class"] == "happiness_fair.logs.GunicornLogger"
    assert conf["accesslog"] == "-"
    # Each connection closed after its answer, so a kept-alive client can't pin one process.
    assert conf["keepalive"] == 0


def test_the_environment_file_overrides_the_defaults(monkeypatch):
    conf = _load(
        monkeypatch,
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="8",
        GUNICORN_BIND="unix:/run/hf.sock",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert (conf["workers"], conf["threads"], conf["bind"]) == (3, 8, ["unix:/run/hf.sock"])
    one = _load(monkeypatch, WEB_CONCURRENCY="1", REDIS_URL="redis://127.0.0.1:6379/0")
    assert (one["workers"], one["keepalive"]) == (1, 5)  # one process keeps its connections


def test_without_redis_one_process_with_threads_and_no_recycling(monkeypatch):
    """The embedded default keeps its rate-limit counters in memory: one process, never
    restarted by max_requests (which would reset them), whatever WEB_CONCURRENCY says."""
    conf = _load(monkeypatch, WEB_CONCURRENCY="3")
    assert conf["workers"] == 1
    assert conf["worker_class"] == "gthread" and conf["threads"] == 4
    assert conf["max_requests"] == 0 and conf["max_requests_jitter"] == 0
    assert conf["keepalive"] == 5  # one process: nothing to share out, connections kept
    with_redis = _load(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    assert with_redis["max_requests"] == 20000
