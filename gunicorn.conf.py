"""gunicorn settings for production (docs/DEPLOY.md); gunicorn reads this file from the checkout.

Everything can be overridden from the environment (the systemd unit's EnvironmentFile):
GUNICORN_BIND, WEB_CONCURRENCY (worker processes), GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import os

# Processes from the cores this machine gives us (a container's share, not the host's).
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Requests mostly wait on PostgreSQL, so threads serve the waiting; processes use the cores.
# Password hashing (argon2id, 64 MiB each) is the heaviest work, and it holds a thread, not the GIL.
worker_class = "gthread"
# Rate-limit counters (sign-in, passwords, registrations, photos) are shared by every process
# only through Redis. Without REDIS_URL (the embedded default, scripts/start) they live in the
# process: one process with threads then, so that "10 a minute" means 10, not 10 per worker.
SHARED_COUNTERS = bool(os.environ.get("REDIS_URL"))
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, cores + 1)) if SHARED_COUNTERS else 1
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# Each process keeps at most threads + 2 database connections (docs/SCALING.md counts them).
os.environ.setdefault("DB_POOL_SIZE", str(threads))
os.environ.setdefault("DB_MAX_OVERFLOW", "2")

# A request that takes 30 s is stuck: its worker is replaced. nginx waits a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
# With several processes each connection is closed after its answer, so the next one goes to
# whichever process is free to accept it. A kept-alive connection stays with the process that
# took it: bench/load found all 16 of its clients on one of three processes in some runs, which
# halved what the server answered (docs/PERFORMANCE.md, round 5). One process (the embedded
# default) has nothing to share out and keeps its connections.
keepalive = 5 if workers == 1 else 0
# Replace a process now and then so a slow leak never becomes an outage (workers stay near
# 130 MB); not the single process of the embedded default, whose restart would reset its
# in-memory rate-limit counters. A boot takes a core for about a second and starts cold: at
# 2,000 requests a saturated server replaced one every few seconds and its p99 went to seconds
# (PERFORMANCE.md, round 5). Both can be set from the environment (GUNICORN_MAX_REQUESTS,
# GUNICORN_PRELOAD=1) for measuring.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or (20000 if SHARED_COUNTERS else 0))
max_requests_jitter = max(200, max_requests // 10) if max_requests else 0
# By default the app is loaded in each worker, after the fork. With preload the master loads it
# once and a recycled worker starts at once; post_fork makes sure no database connection made
# before the fork is ever used by a worker.
preload_app = os.environ.get("GUNICORN_PRELOAD") == "1"


def post_fork(server, worker):
    if not preload_app:
        return
    from happiness_fair.extensions import db

    app = server.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return  # not this app (bench/hello.py)
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (heartbeats in RAM)

# Only nginx on this machine may say which scheme the client used; the app's ProxyFix
# (TRUSTED_PROXIES=1) reads X-Forwarded-For / -Proto / -Host the same way.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# JSON lines on stdout/stderr, to journald; the access log has no query string, client address
# or user agent, so no personal data (happiness_fair/logs.py).
logger_class = "happiness_fair.logs.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "happiness-fair"
# gunicorn 25+ opens a control socket in $HOME; systemd and signals do that job here, and two
# instances on one machine (blue/green, CI) must not fight over one socket.
control_socket_disable = True
