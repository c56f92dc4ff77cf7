"""The shell every page stands in: home, health, the language switch and 长辈版."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from .catalogue import service as catalogue
from .database import ping
from .i18n import ELDER_COOKIE, LANG_COOKIE, LOCALES
from .web import referring_page, safe_next, shell_facts

bp = Blueprint("pages", __name__)

YEAR = 365 * 24 * 3600


def _back() -> str:
    """Return to the page the switch was pressed on, never to another site (safe_next)."""
    target = request.form.get("next")
    if target:
        return safe_next(target)
    return referring_page(url_for("pages.index"))


@bp.get("/healthz")
def healthz():
    if ping():
        return jsonify(status="ok")
    return jsonify(status="unavailable"), 503


@bp.get("/beian")
def beian():
    """The footer's ICP record number leads to MIIT's record site through here: the pages carry
    no address outside the app, and the one the rules name is kept in the configuration."""
    if not current_app.config.get("ICP_BEIAN"):
        abort(404)
    return redirect(current_app.config["BEIAN_URL"], code=302)


@bp.get("/")
def index():
    return render_template("index.html", user=current_user, categories=catalogue.categories())


@bp.post("/language")
def set_language():
    response = redirect(_back(), code=303)
    lang = request.form.get("lang")
    if lang in LOCALES:
        response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, samesite="Lax", httponly=True)
    return response


@bp.post("/elder-mode")
def toggle_elder_mode():
    """长辈版: larger text and targets, remembered on this phone."""
    response = redirect(_back(), code=303)
    on = request.form.get("on") == "1"
    response.set_cookie(
        ELDER_COOKIE, "1" if on else "0", max_age=YEAR, samesite="Lax", httponly=True
    )
    return response


@bp.app_context_processor
def shell_context():
    """What the shell around every page shows: 长辈版, the language, and the menu's two facts
    (the unread count, and the volunteer's entries for anyone with a volunteer record), read in
    one statement once per request (web.shell_facts), not by each part's own helper."""
    unread_count, volunteer_status = shell_facts()
    return {
        "elder_mode": request.cookies.get(ELDER_COOKIE) == "1",
        "current_locale": str(get_locale()),
        "unread_count": unread_count,
        "volunteer_status": volunteer_status,
    }
