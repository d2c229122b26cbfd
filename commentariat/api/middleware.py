"""What every request under /api/ meets around its endpoint: writes from other sites' pages are
refused (api/guard.py), embed origins get their CORS answers; and
every answer is JSON, the errors Django or ninja answer themselves included (an unknown address,
a wrong method), with the same error body as the endpoints'."""

from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers

from . import guard
from .common import CODES, error_body

_MESSAGES = {404: "No such address in the API.", 405: "This address does not take that method."}


class ApiErrorsAsJsonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            message = _MESSAGES.get(status) or (response.reason_phrase or "Error") + "."
            replacement = JsonResponse(error_body(CODES.get(status, "error"), message), status=status)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


class ApiWriteGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        origin = request.headers.get("Origin", "")
        if request.method == "OPTIONS" and guard.is_embed_origin(origin):
            return _with_cors(HttpResponse(status=204), origin)  # the preflight of an embed origin's write
        if guard.is_foreign_write(request):
            message = "Pages on other sites may not write to this API."
            return JsonResponse(error_body("origin_not_allowed", message), status=403)
        response = self.get_response(request)
        return _with_cors(response, origin) if guard.is_embed_origin(origin) else response


def _with_cors(response, origin: str):
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Methods"] = "GET, POST"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "600"
    patch_vary_headers(response, ["Origin"])
    return response
