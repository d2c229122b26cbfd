"""The live queue's two endpoints: the state of an open queue page (JSON), and its SSE stream."""

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from .. import live_queue
from ..forms import QueueFilterForm
from .common import _ids, staff_view


@require_safe
@staff_view()
def queue_state(request):
    filters = QueueFilterForm(request.GET)
    values = {k: v for k, v in filters.cleaned_data.items() if v} if filters.is_valid() else {}
    raw = request.GET.get("after", "")
    after = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    raw = request.GET.get("reports_after", "")
    reports_after = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    return JsonResponse(live_queue.state(request, ids=_ids(request.GET.get("ids", "")), after=after, filters=values,
                                         reports_after=reports_after))  # fmt: skip


@require_safe
@staff_view()
def queue_events(request):
    # A plain view: under ASGI, Django runs it in a thread and then iterates the stream (an async
    # generator) on the event loop. Under WSGI a stream would hold one of a worker's few threads:
    # the page asks for the queue's state every few seconds instead.
    if not settings.COMMENTARIAT["LIVE_UPDATES"] or not isinstance(request, ASGIRequest) or not live_queue.stream_slot_free():
        response = HttpResponse("No stream here: ask for the queue's state every few seconds.\n", status=503,
                                content_type="text/plain")  # fmt: skip
        response["Retry-After"] = str(settings.COMMENTARIAT["QUEUE_POLL_SECONDS"])
        return response
    response = StreamingHttpResponse(live_queue.event_stream(), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"
    return response
