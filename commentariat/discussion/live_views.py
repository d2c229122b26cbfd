"""The two endpoints of live updates: new comments after a given one (JSON), and the SSE stream."""

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from commentariat.core import page_cache
from commentariat.publishing import visibility as post_visibility
from commentariat.publishing.models import Post

from . import live
from .screening import comments_closed_message, get_screener


def _readable_post(request, pk: int) -> Post:
    if not live.enabled():
        raise Http404("Live updates are off.")
    post = Post.objects.published().filter(pk=pk).first()
    if post is None or not post_visibility.may_read(request, post):
        raise Http404("No such thread.")
    return post


@require_safe
def live_comments(request, pk):
    """New comments after a given one. The same for every reader of a post anyone may read, so a
    shared cache in front (Varnish, a CDN) answers the polls of a crowd, purged with the post's
    pages: readers who loaded the same page ask the same address."""
    scope = f"post:{pk}"
    shareable = page_cache.shareable(request)
    # Read from here on the primary (never a lagging replica), at this version of the post's pages:
    # the post too, so that one just given a password or taken back to draft is never shared.
    versions = page_cache.scope_version(scope) if shareable else None
    post = _readable_post(request, pk)
    shared = shareable and not post.password
    raw = request.GET.get("after", "")
    after = int(raw) if raw.isdigit() and len(raw) < 19 else live.latest_comment_id(post)
    open_for_replies = comments_closed_message(post, get_screener()) is None
    response = JsonResponse(live.comments_after(post, after, accepts_replies=open_for_replies))
    if shared and page_cache.scope_version(scope) == versions:
        page_cache.mark_shared(response, scope)
    else:  # personal, or a comment arrived meanwhile (its purge may have passed already)
        response["Cache-Control"] = "no-store"
    return response


@require_safe
def live_events(request, pk):
    # A plain view: under ASGI, Django runs it in a thread and then iterates the stream (an
    # async generator) on the event loop.
    _readable_post(request, pk)
    # Under WSGI a stream would hold one of the worker's few threads for minutes: the page polls.
    if not isinstance(request, ASGIRequest) or not live.stream_slot_free():
        return _busy()
    response = StreamingHttpResponse(live.event_stream(pk), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must pass each event on at once
    return response


def _busy() -> HttpResponse:
    response = HttpResponse(
        "No stream here: ask for new comments every few seconds.\n", status=503, content_type="text/plain"
    )
    response["Retry-After"] = str(settings.COMMENTARIAT["LIVE_POLL_SECONDS"])
    response["Cache-Control"] = "no-store"
    return response
