"""Sign-in, sign-out, registration and "my account" pages; the same services as the API."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..database import long_statements
from ..errors import (
    Conflict,
    Forbidden,
    OtpRequired,
    Unauthenticated,
    ValidationFailed,
)
from ..extensions import limiter
from ..forms import load_form, refusal_messages
from ..places import service as places
from ..web import attempt, me, safe_next, signed_in
from . import limits, security, service, totp
from .schemas import (
    OtpSchema,
    PasswordChangeSchema,
    PasswordConfirmSchema,
    RegisterSchema,
    ResetFormSchema,
    TokenRequestSchema,
)

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limits.sign_in
def login():
    if request.method == "GET":
        return render_template("accounts/login.html", form={}, errors={}, need_otp=False)
    data, errors = load_form(TokenRequestSchema)
    need_otp = False
    if not errors:
        try:
            user = service.authenticate(data["phone"], data["password"], data.get("otp"))
        except OtpRequired as err:
            need_otp = True
            errors = {"otp": [err.text()]} if data.get("otp") else {"_schema": [err.text()]}
        except Unauthenticated as err:
            errors = {"_schema": [err.text()]}
        else:
            security.sign_in(user)
            target = request.args.get("next") or request.form.get("next")
            return redirect(safe_next(target), code=303)
    form = {"phone": request.form.get("phone", "")}
    refused = need_otp or "_schema" in errors
    html = render_template("accounts/login.html", form=form, errors=errors, need_otp=need_otp)
    return html, (401 if refused else 422)


@bp.route("/login/reset", methods=["GET", "POST"])
@limiter.limit(limits.RESET_PER_ADDRESS, methods=["POST"])
@limits.wrong_reset_codes
def reset_password():
    """忘记密码: the one-time code from the grid worker or the office, and a new password."""
    if request.method == "GET":
        return render_template("accounts/reset.html", form={}, errors={}, done=False)
    data, errors = load_form(ResetFormSchema)
    if not errors:
        try:
            service.reset_password(data["phone"], data["code"], data["new_password"])
        except Unauthenticated as err:
            errors = {"code": [err.text()]}
        else:
            return render_template("accounts/reset.html", form={}, errors={}, done=True)
    form = {"phone": request.form.get("phone", "")}
    return render_template("accounts/reset.html", form=form, errors=errors, done=False), 422


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        security.sign_out()
    return redirect(url_for("pages.index"), code=303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(limits.REGISTER_PER_ADDRESS, methods=["POST"])
@limits.registrations_of_taken_numbers
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
    form = {k: v for k, v in request.form.items() if k not in {"password", "csrf_token"}}

    def signed_up(user):
        security.sign_in(user)
        return redirect(url_for("pages.index"), code=303)

    return attempt(
        lambda: service.register(data),
        errors=errors,
        field="phone",
        roll_back=False,
        again=lambda errors, _status: (
            render_template("accounts/register.html", form=form, errors=errors, **context),
            422,
        ),
        then=signed_up,
    )


def _account_page(status=200, **context):
    user = me()
    context.setdefault("errors", {})
    context.setdefault("totp_left", totp.recovery_codes_left(user) if user.totp_enabled else 0)
    return render_template("accounts/account.html", user=user, **context), status


@bp.get("/account")
@signed_in
def account():
    """My account: password, two-step sign-in (staff), my data, deleting the account."""
    return _account_page()


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(
    limits.PASSWORD_CHANGE_PER_ADDRESS,
    deduct_when=lambda response: response.status_code == 422,
    methods=["POST"],
)
@limits.password_checks
@signed_in
def change_password():
    if request.method == "GET":
        return render_template("accounts/password.html", errors={}, done=False)
    data, errors = load_form(PasswordChangeSchema)
    return attempt(
        lambda: service.change_password(
            me(), data["current_password"], data["new_password"], security.current_token()
        ),
        errors=errors,
        refusals=(ValidationFailed,),
        field="current_password",
        roll_back=False,
        again=lambda errors, _status: (
            render_template("accounts/password.html", errors=errors, done=False),
            422,
        ),
        then=lambda ended: render_template(
            "accounts/password.html", errors={}, done=True, ended=ended
        ),
    )


@bp.post("/account/totp/start")
@signed_in
def totp_start():
    user = me()
    try:
        totp.begin(user)
    except (Forbidden, Conflict) as err:
        return _account_page(409 if isinstance(err, Conflict) else 403, message=err.text())
    return _totp_setup_page(user, {})


def _totp_setup_page(user, errors, status=200):
    uri = totp.provisioning_uri(user)
    qr = totp.qr_svg(uri, _("QR code for your authenticator app"))
    html = render_template(
        "accounts/totp_setup.html", secret=totp.secret_of(user), qr_svg=qr, errors=errors
    )
    return html, status


@bp.post("/account/totp/confirm")
@signed_in
def totp_confirm():
    user = me()
    data, errors = load_form(OtpSchema)
    if not errors:
        try:
            codes = totp.confirm(user, data["otp"])
        except ValidationFailed as err:
            errors = refusal_messages(err, "otp")
        except (Forbidden, Conflict) as err:
            return _account_page(409 if isinstance(err, Conflict) else 403, message=err.text())
        else:
            return render_template("accounts/recovery_codes.html", codes=codes)
    if not user.totp_secret:
        return redirect(url_for("accounts.account"), code=303)
    return _totp_setup_page(user, errors, 422)


@bp.post("/account/totp/disable")
@limits.password_checks
@signed_in
def totp_disable():
    data, errors = load_form(PasswordConfirmSchema)
    return _with_password(
        lambda: totp.disable(me(), data["password"]),
        errors,
        on_page="totp_errors",
        then=lambda _off: redirect(url_for("accounts.account"), code=303),
    )


def _with_password(act, errors: dict, *, on_page: str, then):
    """A form on the account page that asks for the password: a wrong one is said on its field
    (and counts towards the limit: not rolled back)."""
    return attempt(
        act,
        errors=errors,
        refusals=(ValidationFailed,),
        field="password",
        roll_back=False,
        again=lambda errors, _status: _account_page(422, **{on_page: errors}),
        then=then,
    )


@bp.get("/account/export")
@signed_in
def export_data():
    """The same JSON as GET /api/v1/me/export, as a file to keep."""
    long_statements()
    body = json.dumps(service.export_own_data(me()), ensure_ascii=False, indent=1)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="happiness-fair-my-data.json"'
    return response


@bp.post("/account/delete")
@limits.password_checks
@signed_in
def delete_account():
    data, errors = load_form(PasswordConfirmSchema)
    if not errors and request.form.get("confirm") != "yes":
        errors = {"confirm": [_("Tick the box to say you understand.")]}

    def erased(_result):
        security.sign_out()
        return render_template("accounts/deleted.html")

    return _with_password(
        lambda: service.erase_own_data(me(), data["password"]),
        errors,
        on_page="delete_errors",
        then=erased,
    )
