"""Every answer under /api/ is JSON, the errors Django or ninja answer themselves included
(an unknown address, a wrong method): the same error body as the endpoints'."""

from django.http import JsonResponse

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
