"""Moderators' decisions, sanctions, notes and policy changes; each one lands in the audit log."""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from commentariat.core import clock, text
from commentariat.core.queue_signal import queue_changed
from commentariat.discussion import services as discussion
from commentariat.discussion.models import Comment

from .exceptions import ClaimedByOther, NothingToUndo
from .models import Claim, CommenterNote, ModerationAction, ModerationPolicy, Sanction
from .reports import close_reports, reopen_reports
from .spam_filter import schedule_retraining

Kind = ModerationAction.Kind

UNDO_MINUTES = 10

# A decision's kind and the status it gives.
DECISION_STATUS = {
    Kind.APPROVE: Comment.Status.APPROVED,
    Kind.SPAM: Comment.Status.SPAM,
    Kind.REMOVE: Comment.Status.REMOVED,
    Kind.HOLD: Comment.Status.PENDING,
}


def decide_comment(*, comment: Comment, decision: str, by, reason: str = "",
                   seen_version: int | None = None, force: bool = False) -> ModerationAction:  # fmt: skip
    """Approve, mark as spam, remove or hold a comment, and log it.

    seen_version: the comment's state_version on the moderator's page; when it has changed since,
    StateConflict says what happened (force: decide anyway). Raises ClaimedByOther.
    """
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        _ensure_not_claimed_by_other(current, by)
        before = {"status": current.status, "version": current.state_version}
        stored = discussion.decide(
            comment=current, to=DECISION_STATUS[decision], by=by, seen_version=seen_version, force=force
        )
        action = _log(by, decision, comment=stored, before=before,
                      after={"status": stored.status, "version": stored.state_version}, reason=reason)  # fmt: skip
        Claim.objects.filter(comment=stored).delete()
        close_reports(stored)
        if decision in (Kind.APPROVE, Kind.SPAM):
            schedule_retraining()
        schedule_daily_purge()
    discussion.status.sync(comment, stored)
    return action


def schedule_daily_purge() -> None:
    """Enqueue the purge of old removed comments at most once a day, riding on moderators' work."""
    from .tasks import purge_removed_comments as purge_task

    if cache.add("moderation:purge-scheduled", True, timeout=86400):
        transaction.on_commit(lambda: purge_task.enqueue())


@transaction.atomic
def undo_action(*, action: ModerationAction, by) -> ModerationAction:
    """Put a comment back to the status it had before a decision; raises NothingToUndo.

    Only the moderator who decided may undo, within UNDO_MINUTES; after that, or for anyone
    else, the comment is decided again like any other."""
    if action.undone_by_id or action.comment_id is None or action.kind not in DECISION_STATUS:
        raise NothingToUndo("That decision cannot be undone.")
    if action.actor_id != getattr(by, "pk", None):
        raise NothingToUndo("Only the moderator who made a decision can undo it; decide on the comment again instead.")
    if clock.now() - action.created_at > timedelta(minutes=UNDO_MINUTES):
        raise NothingToUndo(f"A decision can be undone for {UNDO_MINUTES} minutes; decide on the comment again instead.")
    comment = Comment.objects.select_for_update().get(pk=action.comment_id)
    version = action.after.get("version")
    if comment.status != action.after.get("status") or (
        version is not None and version != comment.state_version
    ):
        raise NothingToUndo("The comment has changed since; decide on it again instead.")
    _ensure_not_claimed_by_other(comment, by)
    previous = action.before["status"]
    stored = discussion.decide(comment=comment, to=previous, by=by, seen_version=comment.state_version)
    reopen_reports(stored, closed_by=action)
    undo = _log(
        by,
        Kind.UNDO,
        comment=stored,
        before=action.after,
        after={"status": previous, "version": stored.state_version},
        reason=f"Undid “{action.get_kind_display()}”",
    )
    action.undone_by = undo
    action.save(update_fields=["undone_by"])
    return undo


@transaction.atomic
def edit_comment(*, comment: Comment, body: str, by, reason: str = "") -> ModerationAction:
    """A moderator's edit of a comment's text; the old text stays in the log."""
    if comment.erased_at is not None:
        raise ValidationError("Its author erased this comment at their request; it cannot be changed.")
    _ensure_not_claimed_by_other(comment, by)
    before = {"body": comment.body}
    comment.body = body
    discussion.clean_comment(comment, text_only=True)
    body = comment.body
    comment.save(update_fields=["body", "updated_at"])
    discussion.status.note_text_change(comment)
    return _log(by, Kind.EDIT, comment=comment, before=before, after={"body": body}, reason=reason)


@transaction.atomic
def reply_as_moderator(*, comment: Comment, body: str, by) -> Comment:
    """A reply from a staff member, under their own name, public at once."""
    reply = discussion.submit_comment(
        post=comment.post,
        parent=comment,
        author_name=by.get_full_name() or by.get_username(),
        author_email=by.email or f"{by.get_username()}@staff.invalid",
        body=body,
        user=by,
    )
    _log(by, Kind.REPLY, comment=reply, after={"parent": comment.pk})
    return reply


@transaction.atomic
def sanction_commenter(
    *,
    kind: str,
    by,
    reason: str,
    email: str = "",
    ip_network: str = "",
    name: str = "",
    expires_at=None,
    remove_everything: bool = False,
) -> Sanction:
    """Hold, suspend or ban a commenter; optionally remove everything they wrote.

    Raises ValidationError for an IP network that is not one, or nothing left to match.
    """
    email, name, reason = text.clean_line(email), text.clean_name(name), text.clean_text(reason)
    ip_network = text.clean_line(ip_network)
    if ip_network:
        try:
            ipaddress.ip_network(ip_network, strict=False)
        except ValueError:
            raise ValidationError(
                {"ip_network": "Enter an IP address or a network such as 192.0.2.0/24."}
            ) from None
    if not (email or ip_network or name):
        raise ValidationError("Name an email, an IP address or network, or a name.")
    sanction = Sanction.objects.create(
        kind=kind,
        email=email,
        ip_network=ip_network,
        name=name,
        reason=reason,
        expires_at=expires_at,
        created_by=by,
    )
    _log(
        by,
        Kind.SANCTION,
        subject=str(sanction),
        after={
            field: _plain(value)  # an expiry is a datetime: logged as text
            for field, value in model_to_dict(
                sanction, fields=["kind", "email", "ip_network", "name", "expires_at"]
            ).items()
        },
        reason=reason,
    )
    if remove_everything and email:
        remove_everything_by(email=email, by=by, reason=reason)
    return sanction


@transaction.atomic
def revoke_sanction(*, sanction: Sanction, by, reason: str = "") -> None:
    sanction.revoked_at = clock.now()
    sanction.save(update_fields=["revoked_at"])
    _log(by, Kind.REVOKE, subject=str(sanction), reason=reason)


@transaction.atomic
def remove_everything_by(*, email: str, by, reason: str) -> int:
    """Remove every visible or held comment written with this email address."""
    comments = Comment.objects.filter(author_email__iexact=email).exclude(
        status__in=[Comment.Status.REMOVED, Comment.Status.SPAM, Comment.Status.WITHDRAWN]
    )
    count = 0
    for comment in comments.select_related("post"):
        before = {"status": comment.status, "version": comment.state_version}
        with transaction.atomic():
            stored = discussion.decide(comment=comment, to=Comment.Status.REMOVED, by=by)
            _log(by, Kind.REMOVE, comment=stored, before=before,
                 after={"status": stored.status, "version": stored.state_version}, reason=reason)  # fmt: skip
            close_reports(stored)
        count += 1
    return count


def add_note(*, email: str, body: str, by) -> CommenterNote:
    note = CommenterNote.objects.create(email=email.strip().lower(), body=body, author=by)
    _log(by, Kind.NOTE, subject=email, after={"note": body})
    return note


@transaction.atomic
def update_policy(
    *, policy: ModerationPolicy, changes: dict, by, reason: str = ""
) -> ModerationAction | None:
    """Save changed policy fields; logs each field's before and after. None when nothing changed."""
    before, after = {}, {}
    for field, value in changes.items():
        old = getattr(policy, field)
        if old != value:
            before[field], after[field] = _plain(old), _plain(value)
            setattr(policy, field, value)
    if not after:
        return None
    policy.save()
    return _log(by, Kind.POLICY, subject="moderation policy", before=before, after=after, reason=reason)


@transaction.atomic
def pick_comment(*, comment: Comment, picked: bool, by) -> ModerationAction | None:
    """Make an approved comment an editors' pick, or no longer; None when nothing changed.
    Raises ValueError for a comment readers cannot see."""
    if picked and not comment.is_public:
        raise ValueError("Only a published comment can be an editors' pick.")
    if bool(comment.picked_at) == picked:
        return None
    comment.picked_at, comment.picked_by = (clock.now(), by) if picked else (None, None)
    comment.save(update_fields=["picked_at", "picked_by", "updated_at"])  # its pages are rebuilt
    return _log(by, Kind.PICK, comment=comment, after={"picked": picked})


THREAD_FIELDS = ("comments_open", "comment_mode", "moderation_note")


@transaction.atomic
def update_thread(*, post, changes: dict, by, reason: str = "") -> ModerationAction | None:
    """A post's discussion settings (open, moderation mode, the public note); None when nothing changed."""
    before, after = {}, {}
    for field in THREAD_FIELDS:
        if field in changes and getattr(post, field) != changes[field]:
            before[field], after[field] = getattr(post, field), changes[field]
            setattr(post, field, changes[field])
    if not after:
        return None
    post.save(update_fields=[*after, "updated_at"])
    return ModerationAction.objects.create(
        created_at=clock.now(), actor=by, kind=Kind.THREAD, post=post, subject=post.title[:300],
        before=before, after=after, reason=reason,
    )  # fmt: skip


def claim_comment(*, comment: Comment, by) -> Claim:
    """Work on a comment for a few minutes; raises ClaimedByOther when someone else is."""
    minutes = settings.COMMENTARIAT.get("CLAIM_MINUTES", 5)
    with transaction.atomic():
        _ensure_not_claimed_by_other(comment, by, lock=True)
        # One item at a time: moving on releases what the moderator passed over.
        Claim.objects.filter(moderator=by).exclude(comment=comment).delete()
        claim, created = Claim.objects.update_or_create(
            comment=comment,
            defaults={"moderator": by, "expires_at": clock.now() + timedelta(minutes=minutes)},
        )
        if created:
            queue_changed(comment.pk, "claimed")
    return claim


def purge_removed_comments() -> int:
    """Delete removed and spam comments older than the retention period; ones with replies keep a shell."""
    days = settings.COMMENTARIAT.get("PURGE_REMOVED_AFTER_DAYS", 30)
    cutoff = clock.now() - timedelta(days=days)
    stale = Comment.objects.filter(
        status__in=[Comment.Status.REMOVED, Comment.Status.SPAM, Comment.Status.WITHDRAWN],
        status_changed_at__lt=cutoff,
    )
    purged = 0
    for comment in stale.iterator():
        with transaction.atomic():
            if comment.replies.exists():
                if comment.body or comment.author_email:
                    Comment.objects.filter(pk=comment.pk).update(
                        body="",
                        body_html="",
                        author_name="",
                        author_email="",
                        author_url="",
                        ip_address=None,
                        user_agent="",
                    )
                    purged += 1
            else:
                comment.delete()
                purged += 1
    if purged:
        _log(
            None,
            Kind.PURGE,
            subject="removed comments",
            after={"purged": purged},
            reason=f"Removed more than {days} days ago.",
        )
    return purged


def _ensure_not_claimed_by_other(comment: Comment, by, *, lock: bool = False) -> None:
    claims = Claim.objects.select_for_update() if lock else Claim.objects
    claim = claims.filter(comment=comment).select_related("moderator").first()
    if claim is not None and claim.moderator_id != by.pk and claim.is_active(clock.now()):
        raise ClaimedByOther(claim)


def _log(actor, kind, *, comment=None, subject="", before=None, after=None, reason="") -> ModerationAction:
    return ModerationAction.objects.create(
        created_at=clock.now(),
        actor=actor,
        kind=kind,
        comment=comment,
        post_id=comment.post_id if comment is not None else None,
        subject=subject or (comment.author_email if comment is not None else ""),
        before=before or {},
        after=after or {},
        reason=text.clean_text(reason),
    )


def _plain(value):
    """A JSON-friendly form of a policy value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
