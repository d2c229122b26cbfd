"""What the API and the embed endpoints share: the error body, comment submission, a thread
as JSON."""

from django.core.exceptions import ValidationError

from commentariat.core.net import client_ip
from commentariat.discussion import refusals
from commentariat.discussion.exceptions import CommentRefused, DuplicateComment, InvalidParent
from commentariat.discussion.models import Comment
from commentariat.discussion.rendering import linkable_url
from commentariat.discussion.services import submit_comment
from commentariat.discussion.threads import ThreadNode
from commentariat.publishing.models import Post

from .guard import check_submission_limits

CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
}  # fmt: skip
INVALID_MESSAGE = "Some of what you sent is not valid."


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def refusal_code(refused: CommentRefused) -> str:
    if isinstance(refused, InvalidParent):
        return "invalid_parent"
    if isinstance(refused, DuplicateComment):
        return "duplicate"
    return "rate_limited" if refused.status_code == 429 else "refused"


def field_errors(invalid: ValidationError) -> dict[str, list[str]]:
    """The errors by field; {} for an error that names no field (its message says it all)."""
    if not hasattr(invalid, "error_dict"):
        return {}
    return {name: [str(m) for m in messages] for name, messages in invalid.message_dict.items()}


def submit(
    request, post: Post, *, parent_id, author_name: str, author_email: str, author_url: str, body: str
):
    """submit_comment for a JSON client, within its hourly limits; raises CommentRefused
    (InvalidParent for a parent that is not a public comment of this post, TooManySubmissions)
    or ValidationError."""
    parent = None
    if parent_id not in (None, ""):
        parent = Comment.objects.filter(pk=int(parent_id)).first()
        if parent is None:
            raise InvalidParent()
    fields = {"author_name": author_name.strip(), "author_email": author_email.strip(),
              "author_url": author_url.strip(), "body": body}  # fmt: skip
    try:
        check_submission_limits(request, author_email=fields["author_email"])
        return submit_comment(
            post=post, parent=parent, **fields, ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )  # fmt: skip
    except CommentRefused as refused:
        # A JSON client has no edit grant: a duplicate is refused, never answered with the earlier comment.
        refusals.note_refused(request, refused, post=post, fields=fields)
        raise


def submitted(comment: Comment) -> dict:
    published = comment.is_public
    return {
        "id": comment.pk, "number": comment.number, "status": "published" if published else "awaiting_moderation",
        "message": "Your comment is published." if published else "Your comment is awaiting moderation.",
    }  # fmt: skip


def thread_json(node: ThreadNode, request) -> dict:
    """A comment and its replies as readers may see them: no email, placeholders emptied."""
    comment = node.comment
    removed = node.is_placeholder
    return {
        "id": comment.id, "number": comment.number, "parent_id": comment.parent_id, "removed": removed,
        "is_pick": bool(comment.picked_at) and not removed,
        "author_name": "" if removed else comment.author_name,
        "author_url": "" if removed else linkable_url(comment.author_url),
        "body_html": "" if removed else comment.body_html,
        "published_at": comment.published_at,
        "url": request.build_absolute_uri(f"/comments/{comment.id}/"),
        "replies": [thread_json(child, request) for child in node.children],
    }  # fmt: skip
