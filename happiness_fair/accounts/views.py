"""Sign-in, sign-out and registration pages; the same services as the API."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import Conflict, Unauthenticated, ValidationFailed
from ..extensions import limiter
from ..forms import load_form
from ..places import service as places
from . import security, service
from .schemas import RegisterSchema, TokenRequestSchema

bp = Blueprint("accounts", __name__)


def _failed_login(response) -> bool:
    return response.status_code == 401


def _safe_next(default: str) -> str:
    target = request.args.get("next") or request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", deduct_when=_failed_login, methods=["POST"])
def login():
    if request.method == "GET":
        return render_template("accounts/login.html", form={}, errors={})
    data, errors = load_form(TokenRequestSchema)
    if not errors:
        try:
            user = service.authenticate(data["phone"], data["password"])
        except Unauthenticated as err:
            errors = {"_schema": [err.text()]}
        else:
            security.sign_in(user)
            return redirect(_safe_next(url_for("pages.index")), code=303)
    form = {"phone": request.form.get("phone", "")}
    return render_template("accounts/login.html", form=form, errors=errors), (
        401 if "_schema" in errors else 422
    )


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        security.sign_out()
    return redirect(url_for("pages.index"), code=303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20/hour", methods=["POST"])
def register():
    communities = places.communities()
    community_id = request.values.get("community_id", type=int) or (
        communities[0].id if communities else None
    )
    buildings = places.buildings_of(community_id) if community_id else []
    context = {"communities": communities, "buildings": buildings, "community_id": community_id}
    if request.method == "GET":
        return render_template("accounts/register.html", form={}, errors={}, **context)
    data, errors = load_form(RegisterSchema)
    if not errors:
        try:
            user = service.register(data)
        except (ValidationFailed, Conflict) as err:
            errors = {**{k: [str(m) for m in v] for k, v in err.fields.items()}}
            if not err.fields:
                errors["phone"] = [err.text()]
        else:
            security.sign_in(user)
            return redirect(url_for("pages.index"), code=303)
    form = {k: v for k, v in request.form.items() if k not in {"password", "csrf_token"}}
    return render_template("accounts/register.html", form=form, errors=errors, **context), 422
