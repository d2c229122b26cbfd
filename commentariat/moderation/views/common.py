"""What the moderators' pages share: the staff gate, queue items, answers for the keyboard queue."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ..history import commenter_histories
from ..queue import active_claims
from ..reports import open_reports_by_comment

PAGE_SIZE = 50


def staff_view(permission="moderation.moderate_comments"):
    """Login, the role's permission, and a page no search engine indexes."""

    def decorator(view):
        @login_required
        @permission_required(permission, raise_exception=True)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Cache-Control"] = "private, no-store"
            return response

        return wrapped

    return decorator


def _items(comments, user) -> list[dict]:
    histories = commenter_histories(comments)
    claims = active_claims(c.pk for c in comments)
    reports = open_reports_by_comment(c.pk for c in comments)
    return [
        {
            "comment": c,
            "history": histories[c.author_email.lower()],
            "claim": claims.get(c.pk),
            "claimed_by_other": c.pk in claims and claims[c.pk].moderator_id != user.pk,
            "reports": reports.get(c.pk, []),
            "report_weight": sum(report.weight for report in reports.get(c.pk, [])),
        }
        for c in comments
    ]


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _answer(request, *, ok: bool, message: str, status: int, **extra):
    """JSON for the keyboard-driven queue; a redirect with a message for plain forms."""
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message, **extra}, status=status)
    (messages.success if ok else messages.error)(request, message)
    return _redirect_back(request)


def _redirect_back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("moderation:queue")
    return redirect(target)


def _commenter_url(email: str) -> str:
    return f"{reverse('moderation:commenter')}?{urlencode({'email': email})}"


def _ids(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",") if part.isdigit()][:200]
