"""The JSON API: /api/, OpenAPI at /api/openapi.json, docs at /api/docs.

Public endpoints read what readers may see and submit comments through the same service,
rules and messages as the form. Writes take JSON only, from this site's pages or its embed
origins, within hourly limits (api/guard.py). Moderation endpoints need a staff token (`commentariat
api-token USER`) sent as `Authorization: Bearer <token>`. Every error has the same body:
{"error": {"code": "...", "message": "...", "fields": {...}}}.
"""

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from commentariat.discussion.exceptions import CommentRefused

from . import moderation, public
from .common import CODES, INVALID_MESSAGE, error_body, refusal_code
from .guard import JsonOnlyParser, NotJson

api = NinjaAPI(
    title="Commentariat API",
    parser=JsonOnlyParser(),
    version="1",
    description="Posts, numbered threads and comment submission; moderation with a staff token.",
    urls_namespace="api",
    # Deep links put a link inside each operation's toggle button: two controls in one (axe).
    docs=Swagger(settings={"deepLinking": False}),
)
api.add_router("/", public.router)
api.add_router("/moderation/", moderation.router)


def error(request, status: int, code: str, message: str, fields=None, headers=None):
    response = api.create_response(request, error_body(code, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(NinjaValidationError)
def validation_failed(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [
            str(part) for part in item.get("loc", ()) if part not in ("body", "payload", "query", "path")
        ]
        fields.setdefault(".".join(location) or "request", []).append(item.get("msg", "Invalid value."))
    return error(request, 422, "invalid", INVALID_MESSAGE, fields)


@api.exception_handler(CommentRefused)
def comment_refused(request, exc):
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return error(request, exc.status_code, refusal_code(exc), str(exc), headers=headers)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", "A valid staff token is needed (Authorization: Bearer …).")


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, NotJson):  # ninja answers 400 for whatever its parser raises
        return error(request, 415, CODES[415], "Send JSON (Content-Type: application/json).")
    return error(request, exc.status_code, CODES.get(exc.status_code, "error"), str(exc))
