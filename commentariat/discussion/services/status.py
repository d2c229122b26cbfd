"""The one owner of a comment's status: who may move it from where to where.

| actor | from | to | condition |
| --- | --- | --- | --- |
| screener, at submit | — | pending, approved, spam | the rules and the filter (submission.py) |
| author, edit | pending, approved | the same or lower, re-screened | window open, own grant, and no moderator has held, removed or marked it spam |
| author, delete | pending, approved | withdrawn | the same |
| author, erasure by a mailed link | any | withdrawn, text and identity erased | always: it is their data; nobody moves it again |
| moderator (queue, bulk, digest link, API, admin) | any but withdrawn or erased | approved, pending, spam, removed | the version they saw is still the comment's, or they chose "decide anyway" |
| moderator | withdrawn (by its author) | spam, removed | never back to readers or the queue |
| importer | as the source says | the source's status | never over a moderator's decision made here |
| backup restore | removed (WXR's "trash") | withdrawn | our own export says its author withdrew it |

A moderator's move is the comment's last human decision (decided_by, decided_status,
decided_at); automatic changes and authors' edits never rise above it. Every move, and every
change of text, raises state_version, which is what a moderator's page or digest link
carries as "the state I saw". Claims and the audit log belong to the moderation app, which
calls decide() inside its own transaction.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from commentariat.core.queue_signal import queue_changed
from commentariat.publishing.models import Post

from ..exceptions import EditClosed, StateConflict
from ..models import Comment
from ..notifications import announce_public_comment
from ..numbering import NUMBER_FIELDS, give_number
from ..signals import comment_withdrawn

Status = Comment.Status
MODERATOR_STATUSES = (Status.APPROVED, Status.PENDING, Status.SPAM, Status.REMOVED)
# How visible each status is: an author's edit never moves a comment up this scale.
_VISIBILITY = {Status.APPROVED: 2, Status.PENDING: 1, Status.SPAM: 0, Status.REMOVED: 0, Status.WITHDRAWN: 0}
_AUTHOR_MAY_CHANGE = (Status.PENDING, Status.APPROVED)


def decide(*, comment: Comment, to: str, by=None, seen_version: int | None = None,
           force: bool = False) -> Comment:  # fmt: skip
    """A moderator's decision; returns the comment as stored.

    Raises StateConflict when the comment moved on since the version the moderator saw
    (unless force), ValueError for a status moderators do not give.
    """
    if to not in MODERATOR_STATUSES:
        raise ValueError(f"Moderators do not set a comment to {to!r}.")
    with transaction.atomic():
        stored = _locked(comment)
        if stored.erased_at is not None:
            raise StateConflict(
                "Its author erased this comment at their request; it cannot be changed.", forceable=False
            )
        if stored.status == Status.WITHDRAWN and to in (Status.APPROVED, Status.PENDING):
            raise StateConflict(
                "Its author deleted this comment: it can be removed or marked spam, not published again.",
                forceable=False,
            )
        if seen_version is not None and seen_version != stored.state_version and not force:
            raise StateConflict(describe_last_change(stored))
        stored.decided_by, stored.decided_status, stored.decided_at = by, to, timezone.now()
        _move(stored, to, extra_fields=["decided_by", "decided_status", "decided_at"], at=stored.decided_at)
    return sync(comment, stored)


def author_refusal(comment: Comment) -> str:
    """Why the author may no longer edit or delete this comment, or '' when they may."""
    if comment.decided_status and comment.decided_status != Status.APPROVED:
        return "A moderator has reviewed this comment, so it can no longer be changed."
    if comment.status not in _AUTHOR_MAY_CHANGE:
        # Spam caught by the filter reads like any other review: a spammer learns nothing.
        return "This comment is with the moderators now and can no longer be changed."
    return ""


def apply_author_edit(*, comment: Comment, body: str, screened_status: str, reason: str,
                      spam_score: float | None) -> Comment:  # fmt: skip
    """Store the author's new text; its status becomes the screener's, never more visible than
    before. The earlier text is kept as a revision. Raises EditClosed."""
    from ..models import CommentRevision

    with transaction.atomic():
        stored = _locked(comment)
        if refusal := author_refusal(stored):
            raise EditClosed(refusal)
        CommentRevision.objects.create(comment=stored, body=stored.body, status=stored.status, by_author=True)
        stored.body = body
        stored.status_reason = f"Edited by its author. {reason}".strip()
        stored.spam_score = spam_score
        stored.save(update_fields=["body", "body_html", "status_reason", "spam_score", "updated_at"])
        to = min(screened_status, stored.status, key=lambda status: _VISIBILITY[status])
        _move(stored, to)
    return sync(comment, stored)


def withdraw(*, comment: Comment) -> Comment:
    """The author takes their comment back; its number and place stay. Raises EditClosed."""
    with transaction.atomic():
        stored = _locked(comment)
        if refusal := author_refusal(stored):
            raise EditClosed(refusal)
        stored.status_reason = "Deleted by its author."
        _move(stored, Status.WITHDRAWN, extra_fields=["status_reason"])
        comment_withdrawn.send(sender=Comment, comment=stored)
    return sync(comment, stored)


ERASED_NOTE = "Removed at its author's request."


def erase_at_authors_request(*, comment: Comment) -> Comment:
    """The author's right to erasure: the text, name, address, website, IP and earlier versions go;
    the comment's number and place in the thread stay, with a note, so replies keep their sense."""
    with transaction.atomic():
        stored = _locked(comment)
        if stored.erased_at is not None:
            return sync(comment, stored)
        stored.revisions.all().delete()
        stored.body, stored.author_name, stored.author_email, stored.author_url = "", "", "", ""
        stored.ip_address, stored.user_agent, stored.status_reason = None, "", ERASED_NOTE
        stored.picked_at = stored.picked_by = None
        stored.erased_at = timezone.now()
        stored.save(update_fields=["body", "body_html", "author_name", "author_email", "author_url", "ip_address",
                                   "user_agent", "picked_at", "picked_by", "erased_at", "updated_at"])  # fmt: skip
        _move(stored, Status.WITHDRAWN, extra_fields=["status_reason"])
        comment_withdrawn.send(sender=Comment, comment=stored)
    return sync(comment, stored)


def status_after_import(row: Comment, source_status: str) -> str:
    """The status an updated import gives a comment that is already here: the source's, unless a
    moderator here decided on it, or its author withdrew it."""
    if row.decided_status or row.status == Status.WITHDRAWN or row.erased_at is not None:
        return row.status
    return source_status


def note_text_change(comment: Comment) -> None:
    """A changed text is a new state: decisions made on the old one must be made again."""
    Comment.objects.filter(pk=comment.pk).update(state_version=F("state_version") + 1)
    comment.state_version += 1


def describe_last_change(comment: Comment) -> str:
    """What happened to a comment last, in words for a moderator whose page is out of date."""
    decided_at = comment.decided_at
    changed_at = comment.status_changed_at
    status = comment.get_status_display().lower()
    if decided_at is not None and (changed_at is None or decided_at >= changed_at):
        who = _name(comment.decided_by) if comment.decided_by_id else "A moderator"
        return f"{who} set this comment to “{comment.get_decided_status_display().lower()}” at {_when(decided_at)}."
    if comment.revisions.exists() and (changed_at is None or comment.updated_at >= changed_at):
        return f"Its author edited this comment at {_when(comment.updated_at)}; it is now “{status}”."
    return f"This comment changed at {_when(changed_at or comment.updated_at)}; it is now “{status}”."


def restore_from_backup(
    *, comment: Comment, status: str, decided_status: str, decided_by, decided_at, erased_at=None
) -> bool:
    """Give back what our own export says of a comment beyond WordPress's statuses: withdrawn by
    its author (WXR calls it trash), erased at its author's request (it stays erased: empty and
    frozen), and the last moderator decision. True when anything changed."""
    if erased_at is not None and comment.erased_at is None:
        erase_at_authors_request(comment=comment)
        Comment.objects.filter(pk=comment.pk).update(erased_at=erased_at)
        comment.erased_at = erased_at
        return True
    changed = False
    with transaction.atomic():
        stored = _locked(comment)
        if stored.erased_at is not None:
            return False
        if status == Status.WITHDRAWN and stored.status == Status.REMOVED:
            stored.status_reason = "Deleted by its author."
            _move(stored, Status.WITHDRAWN, extra_fields=["status_reason"])
            changed = True
        decision = (decided_status, getattr(decided_by, "pk", None), decided_at)
        if (
            decided_status in MODERATOR_STATUSES
            and decided_at
            and decision != (stored.decided_status, stored.decided_by_id, stored.decided_at)
        ):
            stored.decided_status, stored.decided_by, stored.decided_at = (
                decided_status,
                decided_by,
                decided_at,
            )
            stored.save(update_fields=["decided_status", "decided_by", "decided_at"])
            changed = True
    sync(comment, stored)
    return changed


def refresh_comment_count(post_id: int) -> None:
    """Recount a post's approved comments from the comments themselves."""
    count = Comment.objects.shown_in_thread().filter(post_id=post_id).count()
    Post.objects.filter(pk=post_id).update(comment_count=count)


def _locked(comment: Comment) -> Comment:
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("post", "parent", "decided_by")
        .get(pk=comment.pk)
    )


def sync(comment: Comment, stored: Comment) -> Comment:
    """The caller's instance brought up to date too (callers read the new status from it)."""
    if comment is not stored:
        for field in Comment._meta.concrete_fields:
            setattr(comment, field.attname, getattr(stored, field.attname))
    return stored


def _move(stored: Comment, to: str, *, extra_fields=(), at=None) -> None:
    was_shown = stored.is_public
    stored.status = to
    stored.status_changed_at = at or timezone.now()
    stored.state_version += 1
    fields = ["status", "status_changed_at", "state_version", "updated_at", *extra_fields]
    newly_numbered = stored.is_public and not stored.number
    if newly_numbered:
        give_number(stored)
        fields += NUMBER_FIELDS
    stored.save(update_fields=fields)
    queue_changed(stored.pk, "status")  # open queue pages show the move (after the commit)
    if newly_numbered:
        # Public for the first time: whoever follows the thread hears of it (once, after the commit).
        announce_public_comment(stored)
    if was_shown != stored.is_public:
        refresh_comment_count(stored.post_id)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M on %b %-d") if moment else "an unknown time"
