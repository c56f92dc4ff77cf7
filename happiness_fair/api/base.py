"""What every API blueprint shares: strict JSON parsing, the error shape, auth, paging, docs."""

from __future__ import annotations

import copy
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
from ..validation import BaseSchema, between

ERROR_DESCRIPTIONS = {
    400: "Body is not a JSON object",
    401: "No or bad credentials",
    403: "The caller's role can never do this",
    404: "No such thing, or the caller may not see it",
    409: "The current state forbids it",
    422: "Fields invalid",
    429: "Too many attempts",
}

# Each documented error status is one reusable response component (API.md's error body, with a
# real answer as its example); what the status means for one operation is said in its
# description. Messages are those the API answers in Chinese (Accept-Language: zh-CN).
ERROR_RESPONSES = {
    400: ("BadRequest", "bad_request", "请求内容必须是一个 JSON 对象。", None),
    401: ("Unauthenticated", "unauthenticated", "请先登录。", None),
    403: ("Forbidden", "forbidden", "您没有权限这样操作。", None),
    404: ("NotFound", "not_found", "没有找到。", None),
    409: ("Conflict", "conflict", "当前状态下不能这样操作。", None),
    422: (
        "ValidationError",
        "validation_error",
        "有些内容填写得不对，请检查。",
        {"date": ["请选择今天或以后的日期。"]},
    ),
    429: ("TooManyRequests", "rate_limited", "尝试次数太多，请稍等一会儿再试。", None),
}

# The header that makes a retried create return the first answer instead of a second record.
IDEMPOTENCY_KEY = "IdempotencyKey"


def _refuse_unstorable(value, where: str = "_schema") -> None:
    """Text no database can store, refused at the edge with a 422, not a 500: NUL (PostgreSQL
    refuses it) and a lone surrogate ("\\ud800", which JSON can write but UTF-8 cannot)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationFailed(fields={where: [_l("Text may not contain NUL characters.")]})
        if not _is_utf8(value):
            raise ValidationFailed(fields={where: [_l("Text may not contain lone surrogates.")]})
    elif isinstance(value, dict):
        for key, inner in value.items():
            _refuse_unstorable(inner, str(key))
    elif isinstance(value, list):
        for inner in value:
            _refuse_unstorable(inner, where)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictJsonParser(FlaskParser):
    """Reads the body as JSON whatever its content type; a non-object is a 400, not a 422."""

    def _raw_load_json(self, req):
        data = req.get_data(cache=True)
        if not data.strip():
            return {}
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            # RecursionError: arrays or objects nested thousands deep, a broken body, not our fault.
            raise BadRequest() from exc
        if not isinstance(body, dict):
            raise BadRequest()
        _refuse_unstorable(body)
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
    code = ma.fields.String(
        required=True,
        metadata={"description": "Stable, for programs: `not_found`, `conflict`, ... (API.md)"},
    )
    message = ma.fields.String(
        required=True, metadata={"description": "For people, in the request's language"}
    )
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "With 422 only: which fields are wrong and why"},
    )


class ApiErrorSchema(ma.Schema):
    error = ma.fields.Nested(ApiErrorDetailSchema, required=True)


class ApiBlueprint(SmorestBlueprint):
    """A smorest Blueprint whose operations document their error statuses, tagged with a
    readable name ("bookings" for the blueprint "bookings_api")."""

    ARGUMENTS_PARSER = StrictJsonParser()

    def __init__(self, *args, tag: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._tag = tag

    @property
    def tag(self) -> str:
        return self._tag or self.name.removesuffix("_api").replace("_", "-")

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    def arguments(self, schema, *args, **kwargs):
        """The arguments' schema made once: given a class, webargs would make an instance of it
        for every request it reads (a schema keeps nothing of one load for the next)."""
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)

    def errors(self, *statuses: int) -> Callable:
        def decorator(func):
            for status in statuses:
                func = self.alt_response(status, response=ERROR_RESPONSES[status][0])(func)
            return func

        return decorator


MAX_PAGE = 100000
MAX_PER_PAGE = 100


class PageArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(
        load_default=1,
        validate=between(1, MAX_PAGE),
        metadata={"description": "The page to answer, from 1"},
    )
    per_page = ma.fields.Integer(
        load_default=20,
        validate=between(1, MAX_PER_PAGE),
        metadata={"description": "Items a page, at most 100"},
    )


PAGE_SCHEMAS: set[str] = set()


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The paged envelope API.md asks for: items, page, per_page, total (documented as the
    shared `Page` component plus its items)."""
    PAGE_SCHEMAS.add(name)
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
        _refuse_unstorable(value, key)
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


API_DESCRIPTION = """幸福事集 · Happiness Fair: the community volunteer odd-jobs marketplace,
for phone apps and WeChat mini-programs (a guide for client makers: docs/API.md).

Sign in with `POST /api/v1/auth/tokens` and send `Authorization: Bearer <token>`. JSON in and
out, UTF-8; money in integer fen (`*_fen`), durations in minutes, dates `YYYY-MM-DD` reckoned in
Asia/Shanghai, timestamps ISO 8601 with offset. Every error has one body (`ApiError`); lists are
`{"items": [...]}`, and lists that grow are paged (`Page`: `?page=&per_page=`, at most 100). A
booking's `actions` lists the moves the caller may make now, each the last segment of its
`POST /api/v1/bookings/{id}/...` path. Messages follow `Accept-Language` (zh-CN by default).
"""


# What the common query arguments mean, for those whose schema field says nothing itself.
PARAMETER_DESCRIPTIONS = {
    "community_id": "The community (a signed-in caller's own when it may be left out)",
    "grid_id": "Only this grid",
    "building_id": "Only this building",
    "volunteer_id": "Only this volunteer",
    "room": "Only this room (室)",
    "status": "Only those in this status",
    "from": "The first day, inclusive (YYYY-MM-DD, Asia/Shanghai)",
    "to": "The last day, inclusive (YYYY-MM-DD, Asia/Shanghai)",
    "period": "The calendar period that holds today (instead of from and to)",
    "format": "json, or csv / xlsx for the same table as a file",
    "q": "Words to find",
    "mode": "home visits or fair-day stalls",
    "unread": "true for the unread ones only",
    "tag": "Only volunteers with this tag",
    "limit": "At most this many rows",
    "year": "The calendar year",
    "action": "Only this kind of act",
    "code": "The rule's code",
}


def _describe_parameters(paths: dict) -> None:
    """A description on every parameter: `booking_id` is "The booking's id"."""
    for item in paths.values():
        for key, value in item.items():
            parameters = value if key == "parameters" else value.get("parameters", [])
            for parameter in parameters:
                if "$ref" in parameter or parameter.get("description"):
                    continue
                name = parameter["name"]
                if parameter["in"] == "path" and name.endswith("_id"):
                    parameter["description"] = f"The {name[:-3].replace('_', ' ')}'s id"
                elif name in PARAMETER_DESCRIPTIONS:
                    parameter["description"] = PARAMETER_DESCRIPTIONS[name]


def _document_pages(schemas: dict) -> None:
    """Each paged answer as the shared `Page` envelope plus its own `items`."""
    for name in PAGE_SCHEMAS & set(schemas):
        items = schemas[name]["properties"]["items"]
        schemas[name] = {
            "allOf": [
                {"$ref": "#/components/schemas/Page"},
                {"type": "object", "properties": {"items": items}, "required": ["items"]},
            ]
        }


def _register_components(api: HappinessApi) -> None:
    components = api.spec.components
    components.security_scheme(
        "bearer",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "The token from `POST /api/v1/auth/tokens` (createToken)",
        },
    )
    for status, (name, code, message, fields) in ERROR_RESPONSES.items():
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        response = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ApiError"},
                    "example": body,
                }
            },
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again",
                    "schema": {"type": "integer"},
                }
            }
        components.response(name, response)
    components.parameter(
        IDEMPOTENCY_KEY,
        "header",
        {
            "name": "Idempotency-Key",
            "required": False,
            "description": "Any unique string (a UUID) chosen by the client for one create. "
            "Sent again with a retry, the first answer's record is returned instead of a "
            "second one being made.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 100},
            "example": "6f1c2d9e-5b7a-4e1f-9c3d-2a8b7e6f5d40",
        },
    )
    components.schema(
        "Page",
        {
            "type": "object",
            "description": "The envelope of a paged list: `items` plus where the page stands.",
            "properties": {
                "page": {"type": "integer", "minimum": 1, "description": "This page, from 1"},
                "per_page": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100,
                    "description": "Items a page (at most 100)",
                },
                "total": {"type": "integer", "minimum": 0, "description": "Items on all pages"},
            },
            "required": ["page", "per_page", "total"],
        },
    )


def openapi_document(api: HappinessApi, blueprints: list[ApiBlueprint]) -> dict:
    """The served document: the spec flask-smorest builds, with this server, readable tags and
    the shared envelopes."""
    document = copy.deepcopy(api.spec.to_dict())  # to_dict() hands out the spec's own dicts
    document["servers"] = [
        {"url": request.host_url.rstrip("/"), "description": "This server"},
    ]
    document["info"]["contact"] = {
        "name": "幸福事集 · the community office running this server",
        "url": request.host_url,
    }
    document["tags"] = [{"name": blp.tag, "description": blp.description} for blp in blueprints]
    schemas = document["components"]["schemas"]
    schemas.pop("PaginationMetadata", None)  # flask-smorest's header paging, not used here
    _document_pages(schemas)
    _describe_parameters(document["paths"])
    return document


def init_app(app, blueprints: list[ApiBlueprint]) -> HappinessApi:
    api = HappinessApi(app, spec_kwargs={"info": {"description": API_DESCRIPTION}})
    _register_components(api)
    api.spec.options["security"] = [{"bearer": []}, {}]
    for blp in blueprints:
        csrf.exempt(blp)
        api.register_blueprint(blp, url_prefix="/api/v1" + (blp.url_prefix or ""))
    app.before_request(_guard_api_requests)
    app.extensions["happiness_api"] = api

    @app.get("/api/v1/openapi.json")
    def openapi_json():
        return current_app.response_class(
            json.dumps(openapi_document(api, blueprints), ensure_ascii=False),
            mimetype="application/json",
        )

    return api
