"""Comments refused before they were stored — by flood control, the hidden field, the form's
timing, the duplicate check or a ban — told to the screener, so that moderators can see how
often each rule refuses and whom (a rule that keeps out good readers can then be tuned).

The moderation app keeps the counts (moderation/refusals.py); without it nothing is kept.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from commentariat.core.net import client_ip

from .exceptions import CommentRefused
from .screening import get_screener

# The form's own refusals, by the code of its error.
_FORM_CODES = {"honeypot": "honeypot", "bot": "no_start_time", "too-fast": "too_fast", "expired": "expired"}


@dataclass
class Refusal:
    reason: str
    post_id: int | None
    post_title: str
    author_name: str
    author_email: str
    ip_address: str | None
    excerpt: str
    at: object = field(default_factory=timezone.now)


def note(request, reason: str, *, post, fields: dict) -> None:
    """Tell the screener that a comment was refused, and why."""
    refusal = Refusal(
        reason=reason,
        post_id=getattr(post, "pk", None),
        post_title=getattr(post, "title", "")[:200],
        author_name=str(fields.get("author_name", ""))[:100],
        author_email=str(fields.get("author_email", ""))[:254],
        ip_address=client_ip(request),
        excerpt=str(fields.get("body", ""))[:200],
    )
    recorder = getattr(get_screener(), "note_refusal", None)
    if recorder is not None:
        recorder(refusal)


def note_refused(request, error: CommentRefused, *, post, fields: dict) -> None:
    """A refusal raised on submission (flood, ban, duplicate); others (closed, bad parent) are not kept."""
    if error.refusal_reason:
        note(request, error.refusal_reason, post=post, fields=fields)


def note_form_refusal(request, form, *, post) -> None:
    """The form's bot checks (hidden field, start time) refused it: keep that, with what was typed."""
    for error in form.errors.as_data().get("__all__", []):
        if error.code in _FORM_CODES:
            note(request, _FORM_CODES[error.code], post=post, fields=form.data)
            return
