"""Languages: zh-CN by default, English from a switch; dates and money shown per locale."""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import format_date, format_datetime
from flask_login import current_user

from .extensions import babel

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"
# Large type and plain pages for older readers (pages.py sets it), a reading preference too.
ELDER_COOKIE = "elder"


def select_locale() -> str:
    if not has_request_context():
        return "en"  # the command line (deploy/hf), whose own words are English
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    # While a 500 or 503 is answered the database may be away: no look-up of the account then.
    if (
        not g.get("serving_fault")
        and current_user
        and current_user.is_authenticated
        and current_user.locale in LOCALES
    ):
        return current_user.locale
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return "en" if best == "en" else "zh_CN"


def money(fen: int | None) -> str:
    """Integer fen shown as ¥12.50 (the same in both languages)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100}.{fen % 100:02d}"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime"] = lambda d, fmt="short": format_datetime(d, fmt) if d else ""
