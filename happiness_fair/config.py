"""Settings from the environment; the embedded default is a SQLite file in the instance folder."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from itertools import pairwise
from pathlib import Path


class ConfigError(RuntimeError):
    """Start-up refuses to run with an unsafe or incomplete configuration."""


MIN_SECRET_KEY_LENGTH = 32
# Keys that are public because a file or a guide printed them: deploy/env.example's placeholder and
# the usual stand-ins. Anyone who knows the key can sign a session cookie as any user.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {"change-me", "changeme", "change_me", "secret", "dev", "development", "your-secret-key"}
)
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def check_secret_key(key: str) -> None:
    """Refuse a placeholder or a short key, with one line that says how to make a good one."""
    if key.strip().lower() in PLACEHOLDER_SECRET_KEYS:
        problem = f"SECRET_KEY is the placeholder {key.strip()!r}"
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problem = f"SECRET_KEY has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH}"
    else:
        return
    raise ConfigError(f"{problem}. Make one with: {MAKE_A_KEY}")


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret(instance_path: Path) -> str:
    """Generate the embedded default's secret key once and keep it in the instance folder."""
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _star_thresholds() -> tuple[int, ...] | None:
    """STAR_THRESHOLDS_HOURS="100,200,500,800,1000": a local scheme's hours for one to five
    service-hours stars; unset means the national ones (catalogue.rules)."""
    value = os.environ.get("STAR_THRESHOLDS_HOURS", "").strip()
    if not value:
        return None
    try:
        hours = tuple(int(part) for part in value.split(","))
    except ValueError:
        hours = ()
    if not hours or any(h <= 0 for h in hours) or any(a >= b for a, b in pairwise(hours)):
        raise ConfigError(
            f"STAR_THRESHOLDS_HOURS must be rising whole hours, e.g. 100,300,600,1000,1500: {value}"
        )
    return hours


def _pool() -> dict:
    """DB_POOL_SIZE / DB_MAX_OVERFLOW: connections each app process may hold (docs/SCALING.md)."""
    sizes = {"DB_POOL_SIZE": "pool_size", "DB_MAX_OVERFLOW": "max_overflow"}
    return {option: int(os.environ[name]) for name, option in sizes.items() if os.environ.get(name)}


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _engine_options(database_url: str) -> dict:
    """How the app holds its database connections (docs/RELIABILITY.md): a connection is tested
    before use (pool_pre_ping) so one broken by a database restart is replaced, not handed to a
    request; a full pool or an unreachable server answers within seconds, not gunicorn's 30; and on
    PostgreSQL no statement runs longer than DB_STATEMENT_TIMEOUT (exports and the scheduler get
    DB_LONG_STATEMENT_TIMEOUT, database.long_statements)."""
    options = {
        "pool_pre_ping": True,
        # hide_parameters: a database error's text (logged with its stack) never holds the values.
        "hide_parameters": True,
        **_pool(),
    }
    if database_url.startswith("postgresql"):
        timeout_ms = int(_seconds("DB_STATEMENT_TIMEOUT", 5) * 1000)
        options["pool_timeout"] = _seconds("DB_POOL_TIMEOUT", 10)
        options["connect_args"] = {
            "connect_timeout": int(_seconds("DB_CONNECT_TIMEOUT", 5)),
            # No JIT: it compiled a dashboard statement the planner thought large for 0.65 s
            # to save nothing (PERFORMANCE.md, round 7); this app's statements are short.
            "options": f"-c statement_timeout={timeout_ms} -c jit=off",
        }
    return options


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// mean PostgreSQL through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the app's settings: environment first, then explicit overrides (tests)."""
    overrides = dict(overrides or {})
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    database_url = overrides.pop("SQLALCHEMY_DATABASE_URI", None) or os.environ.get("DATABASE_URL")
    embedded = database_url is None
    if embedded:
        database_url = f"sqlite:///{instance / 'happiness_fair.sqlite3'}"
    database_url = normalise_database_url(database_url)

    from_environment = not overrides.get("SECRET_KEY")
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if not embedded:
            raise ConfigError(
                f"SECRET_KEY must be set when DATABASE_URL is set. Make one with: {MAKE_A_KEY}"
            )
        secret_key = _instance_secret(instance)
    elif from_environment and not overrides.get("TESTING"):
        # Production's key comes from the environment (the unit's EnvironmentFile): a known or short
        # one is refused. Tests (TESTING, or a key handed to create_app in code) keep their own.
        check_secret_key(secret_key)

    redis_url = os.environ.get("REDIS_URL")
    config = {
        "SECRET_KEY": secret_key,
        # Old keys after a change: sessions signed and secrets encrypted (crypto.py) with them
        # stay readable until `flask rotate-keys` has re-encrypted everything.
        "SECRET_KEY_FALLBACKS": [
            key.strip()
            for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",")
            if key.strip()
        ],
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "DB_LONG_STATEMENT_TIMEOUT": _seconds("DB_LONG_STATEMENT_TIMEOUT", 300),
        # What a 503 tells the client to wait before it tries again (seconds).
        "RETRY_AFTER_SECONDS": int(_seconds("RETRY_AFTER_SECONDS", 10)),
        "EMBEDDED": embedded,
        # Sessions: 30 days on a phone, cookie hardened; Secure wherever TLS is expected.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", not embedded),
        "SESSION_COOKIE_NAME": "hf_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", not embedded),
        # CSRF tokens live as long as the session: a slow typist is not refused.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "hf"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis away: count in this process's memory meanwhile (Flask-Limiter logs the switch once
        # and goes back to Redis when it answers); no limiter error ever fails a request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": (
            {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else {}
        ),
        # One API photo of up to 10 MB, or a page's three; the photo forms allow more (photos.py).
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Public anonymous API answers kept whole in each worker under their ETag (versions.py);
        # 0 switches the cache off.
        "RESPONSE_CACHE_BYTES": int(os.environ.get("RESPONSE_CACHE_BYTES", str(8 * 1024 * 1024))),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # ICP 备案号 (e.g. 苏ICP备12345678号-1): in every page's footer, linked (through /beian)
        # to MIIT's record site, as the rules require.
        "ICP_BEIAN": os.environ.get("ICP_BEIAN", "").strip(),
        "BEIAN_URL": "https://beian.miit.gov.cn/",
        # Hours for one to five service-hours stars; None: the national thresholds.
        "STAR_THRESHOLDS_HOURS": _star_thresholds(),
        # argon2id parameters; tests lower them so the suite stays fast.
        "PASSWORD_HASH_TIME_COST": 3,
        "PASSWORD_HASH_MEMORY_KIB": 65536,
        "API_TITLE": "Happiness Fair API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": None,
    }
    config.update(overrides)
    return config
