"""What every API blueprint shares: strict JSON parsing, the error shape, auth, paging, docs."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

import marshmallow as ma
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser

from ..errors import BadRequest, Unauthenticated, ValidationFailed
from ..extensions import csrf
from ..validation import BaseSchema

ERROR_DESCRIPTIONS = {
    400: "Body is not a JSON object",
    401: "No or bad credentials",
    403: "The caller's role can never do this",
    404: "No such thing, or the caller may not see it",
    409: "The current state forbids it",
    422: "Fields invalid",
    429: "Too many attempts",
}


def _refuse_nul(value, where: str = "_schema") -> None:
    """PostgreSQL cannot store NUL in text: refuse it at the edge with a 422, not a 500."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationFailed(fields={where: [_l("Text may not contain NUL characters.")]})
    elif isinstance(value, dict):
        for key, inner in value.items():
            _refuse_nul(inner, str(key))
    elif isinstance(value, list):
        for inner in value:
            _refuse_nul(inner, where)


class StrictJsonParser(FlaskParser):
    """Reads the body as JSON whatever its content type; a non-object is a 400, not a 422."""

    def _raw_load_json(self, req):
        data = req.get_data(cache=True)
        if not data.strip():
            return {}
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest() from exc
        if not isinstance(body, dict):
            raise BadRequest()
        _refuse_nul(body)
        return body

    def load_json(self, req, schema):
        return self._raw_load_json(req)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        # webargs files messages under their location ("json", "query"); the contract names fields.
        if isinstance(messages, dict) and len(messages) == 1:
            ((location, inner),) = messages.items()
            if location in self.__location_map__ and isinstance(inner, dict):
                messages = inner
        raise ValidationFailed(
            fields=messages if isinstance(messages, dict) else {"_schema": messages}
        )


class ApiErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))


class ApiErrorSchema(ma.Schema):
    error = ma.fields.Nested(ApiErrorDetailSchema, required=True)


class ApiBlueprint(SmorestBlueprint):
    """A smorest Blueprint whose operations document their error statuses."""

    ARGUMENTS_PARSER = StrictJsonParser()

    def errors(self, *statuses: int) -> Callable:
        def decorator(func):
            for status in statuses:
                func = self.alt_response(
                    status, schema=ApiErrorSchema, description=ERROR_DESCRIPTIONS[status]
                )(func)
            return func

        return decorator


class PageArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The paged envelope API.md asks for: items, page, per_page, total."""
    return type(
        name,
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
            "total": ma.fields.Integer(required=True),
        },
    )


def paged(items, total: int, args: dict) -> dict:
    """The envelope of a paged answer, from the page arguments the request was read with."""
    return {"items": items, "page": args["page"], "per_page": args["per_page"], "total": total}


def list_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (ma.Schema,), {"items": ma.fields.List(ma.fields.Nested(item_schema))})


def login_required(func: Callable) -> Callable:
    """401 in API.md's shape instead of a redirect to the login page."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise Unauthenticated()
        return func(*args, **kwargs)

    return wrapper


def _guard_api_requests() -> None:
    """Query strings free of NUL; cookie-authenticated unsafe requests carry the CSRF token
    (bearer-token requests need none)."""
    if not request.path.startswith("/api/"):
        return
    for key, value in request.args.items(multi=True):
        _refuse_nul(value, key)
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if "Authorization" in request.headers:
        return
    if current_user.is_authenticated:
        csrf.protect()


class HappinessApi(Api):
    """flask-smorest would install an app-wide HTTPException handler; errors.py answers instead,
    and the documented default error is API.md's body."""

    ERROR_SCHEMA = ApiErrorSchema

    def _register_error_handlers(self):
        pass


def init_app(app, blueprints: list[ApiBlueprint]) -> HappinessApi:
    api = HappinessApi(app, spec_kwargs={"info": {"description": "幸福事集 · Happiness Fair API"}})
    api.spec.components.security_scheme(
        "bearer",
        {"type": "http", "scheme": "bearer", "description": "Token from POST /auth/tokens"},
    )
    api.spec.options["security"] = [{"bearer": []}, {}]
    for blp in blueprints:
        csrf.exempt(blp)
        api.register_blueprint(blp, url_prefix="/api/v1" + (blp.url_prefix or ""))
    app.before_request(_guard_api_requests)
    app.extensions["happiness_api"] = api

    @app.get("/api/v1/openapi.json")
    def openapi_json():
        return current_app.response_class(
            json.dumps(api.spec.to_dict(), ensure_ascii=False), mimetype="application/json"
        )

    return api
