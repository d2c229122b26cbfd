"""Comments under pages of other sites: embed.js, and the two endpoints it calls.

Reading needs no cookies and is open to any origin (the threads are public). Posting must
come from an origin on COMMENTARIAT["EMBED_ORIGINS"]: browsers set the Origin header on
cross-site requests and page scripts cannot change it, and no cookie is involved, so there
is no session for a forged request to ride on. A thread is created by its first comment,
for a page address on the posting origin.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from commentariat.core import text
from commentariat.discussion.exceptions import CommentRefused
from commentariat.discussion.threads import PageOutOfRange, thread_page
from commentariat.publishing.models import Post
from commentariat.publishing.services import embedded_thread_for

from .common import INVALID_MESSAGE, error_body, field_errors, refusal_code, submit, submitted, thread_json


def allowed_origin(origin: str) -> bool:
    return bool(origin) and origin.rstrip("/") in settings.COMMENTARIAT["EMBED_ORIGINS"]


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _normalize(url: str) -> str:
    """The page's address without its fragment: one thread per page."""
    return text.clean_line(url.split("#", 1)[0])[:500]


def _cors(response, request, *, methods="GET"):
    origin = request.headers.get("Origin", "")
    response["Access-Control-Allow-Origin"] = origin if allowed_origin(origin) else "*"
    response["Access-Control-Allow-Methods"] = methods
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "600"
    response["Vary"] = "Origin"
    return response


def _error(request, status: int, code: str, message: str, *, methods="GET", fields=None, retry_after=None):
    response = JsonResponse(error_body(code, message, fields), status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return _cors(response, request, methods=methods)


@require_safe
def embed_script(request):
    with open(finders.find("api/embed.js"), "rb") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def thread(request):
    """The thread under a page (empty before its first comment), numbered and nested."""
    url = _normalize(request.GET.get("url", ""))
    if not _origin_of(url):
        return _error(request, 400, "bad_request", "Give the page's address as ?url=https://…")
    post = Post.objects.filter(kind=Post.Kind.EMBEDDED, external_url=url).first()
    nodes, count, is_open = [], 0, allowed_origin(_origin_of(url))
    if post is not None and not post.is_public():
        # Taken down here (unpublished): like the API and the permalinks, the thread is gone.
        return _error(request, 404, "not_found", "This discussion is not available.")
    if post is not None:
        try:
            page = thread_page(post, int(request.GET.get("page", 1)))
        except (PageOutOfRange, ValueError):
            return _error(request, 404, "not_found", "No such page of comments.")
        nodes, count, is_open = (
            [thread_json(node, request) for node in page.nodes],
            post.comment_count,
            post.accepts_comments(),
        )
    return _cors(
        JsonResponse(
            {
                "url": url,
                "comment_count": count,
                "open": is_open,
                "comments": nodes,
                "moderation_note": post.moderation_note if post is not None else "",
            }
        ),
        request,
    )


@csrf_exempt  # no cookies are read: the Origin check is the proof (see the module's docstring)
def comments(request):
    methods = "POST, OPTIONS"
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204), request, methods=methods)
    if request.method != "POST":
        return _error(request, 405, "method_not_allowed", "Use POST.", methods=methods)
    origin = request.headers.get("Origin", "")
    if not allowed_origin(origin):
        return _error(
            request, 403, "origin_not_allowed", "This site may not post comments here.", methods=methods
        )
    if request.content_type != "application/json":
        return _error(request, 415, "unsupported_media_type", "Send JSON (Content-Type: application/json).",
                      methods=methods)  # fmt: skip
    try:
        data = json.loads(request.body or b"{}")
        assert isinstance(data, dict)
    except (ValueError, AssertionError):
        return _error(request, 400, "bad_request", "The body is not a JSON object.", methods=methods)
    url = _normalize(str(data.get("url", "")))
    if _origin_of(url) != origin.rstrip("/"):
        return _error(
            request, 403, "origin_not_allowed", "The page must be on the site posting.", methods=methods
        )
    try:
        post = embedded_thread_for(url, str(data.get("title", ""))[:200])
        comment = submit(
            request, post, parent_id=data.get("parent_id"), author_name=str(data.get("author_name", "")),
            author_email=str(data.get("author_email", "")), author_url=str(data.get("author_url", "")),
            body=str(data.get("body", "")),
        )  # fmt: skip
    except ValidationError as invalid:
        return _error(request, 422, "invalid", INVALID_MESSAGE, methods=methods, fields=field_errors(invalid))
    except CommentRefused as refused:
        return _error(request, refused.status_code, refusal_code(refused), str(refused), methods=methods,
                      retry_after=refused.retry_after)  # fmt: skip
    except (TypeError, ValueError):
        return _error(
            request, 400, "bad_request", "Some of what you sent has the wrong type.", methods=methods
        )
    except Post.DoesNotExist as missing:
        return _error(request, 404, "not_found", str(missing), methods=methods)
    answer = submitted(comment)
    return _cors(JsonResponse(answer, status=201), request, methods=methods)
