"""Statements of reasons and appeals (optional; what the EU Digital Services Act asks of hosts).

- After removing a comment (or marking it spam), a moderator may send its author a statement of
  reasons: the rule and an explanation. The mail carries a signed link (APPEAL_DAYS) to appeal once.
- An appeal joins the appeals queue (/moderation/appeals/). A moderator upholds the removal or
  reinstates the comment (an approve decision, logged like any other); the author is told.
- Statements and appeal decisions are in the audit log.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from commentariat.core import clock
from commentariat.core.links import site_url
from commentariat.discussion.models import Comment

from .models import ModerationAction, Statement

APPEAL_SALT = "commentariat.appeal"
APPEAL_DAYS = 14
REMOVED = (Comment.Status.REMOVED, Comment.Status.SPAM)


class AppealRefused(Exception):
    pass


def may_send_statement(comment: Comment) -> bool:
    return comment.status in REMOVED and bool(comment.author_email) and comment.erased_at is None


def send_statement(*, comment: Comment, rule: str, explanation: str, by) -> Statement:
    if not may_send_statement(comment):
        raise AppealRefused("A statement of reasons goes with a removed comment whose author left an address.")
    since = comment.decided_at or comment.status_changed_at
    if Statement.objects.filter(comment=comment, **({"sent_at__gte": since} if since else {})).exists():
        raise AppealRefused("A statement of reasons was already sent for this removal; its author can appeal it once.")
    with transaction.atomic():
        statement = Statement.objects.create(comment=comment, rule=rule, explanation=explanation, sent_by=by)
        ModerationAction.objects.create(actor=by, kind=ModerationAction.Kind.STATEMENT, comment=comment,
                                        post_id=comment.post_id, after={"rule": rule}, reason=explanation)  # fmt: skip
        from .tasks import send_appeal_mail

        transaction.on_commit(lambda: send_appeal_mail.enqueue(statement_id=statement.pk, kind="statement"))
    return statement


def appeal_token(statement: Statement) -> str:
    return signing.dumps(statement.pk, salt=APPEAL_SALT)


def statement_from_token(token: str) -> Statement | None:
    try:
        pk = signing.loads(token, salt=APPEAL_SALT, max_age=APPEAL_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Statement.objects.select_related("comment", "comment__post").filter(pk=pk).first()


def appeal(*, statement: Statement, text: str) -> Statement:
    """The author's one appeal."""
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.appealed_at is not None:
            raise AppealRefused("You have already appealed this decision; a moderator will answer it.")
        locked.appeal_text, locked.appealed_at = text, clock.now()
        locked.save(update_fields=["appeal_text", "appealed_at"])
    return locked


def open_appeals():
    return Statement.objects.filter(appealed_at__isnull=False, decided_at__isnull=True).select_related(
        "comment", "comment__post", "sent_by"
    )


def decide_appeal(*, statement: Statement, reinstate: bool, note: str, by, seen_version: int | None = None) -> Statement:
    """Uphold the removal or reinstate the comment; the author is told by mail.

    seen_version: the comment's state_version on the appeals page: if the comment changed since
    (another moderator's decision, an edit), StateConflict says what happened, as in the queue.
    Raises AppealRefused when the comment is no longer removed (decided another way since).
    """
    from .services import decide_comment

    with transaction.atomic():
        locked = Statement.objects.select_for_update().select_related("comment").get(pk=statement.pk)
        if locked.decided_at is not None or locked.appealed_at is None:
            raise AppealRefused("This appeal has been decided already.")
        if locked.comment.status not in REMOVED:
            raise AppealRefused(
                f"The comment is no longer removed (it is {locked.comment.get_status_display().lower()}): "
                "decide on it in the queue."
            )
        if reinstate:
            decide_comment(comment=locked.comment, decision=ModerationAction.Kind.APPROVE, by=by,
                           reason=f"Appeal granted. {note}".strip(), seen_version=seen_version)  # fmt: skip
        locked.outcome = Statement.Outcome.REINSTATED if reinstate else Statement.Outcome.UPHELD
        locked.outcome_note, locked.decided_by, locked.decided_at = note, by, clock.now()
        locked.save(update_fields=["outcome", "outcome_note", "decided_by", "decided_at"])
        ModerationAction.objects.create(actor=by, kind=ModerationAction.Kind.APPEAL, comment=locked.comment,
                                        post_id=locked.comment.post_id, after={"outcome": locked.outcome},
                                        reason=note)  # fmt: skip
        from .tasks import send_appeal_mail

        transaction.on_commit(lambda: send_appeal_mail.enqueue(statement_id=locked.pk, kind="outcome"))
    return locked


def send_mail_now(statement_id: int, kind: str) -> None:
    statement = Statement.objects.select_related("comment", "comment__post").filter(pk=statement_id).first()
    if statement is None or not statement.comment.author_email:
        return
    site = settings.COMMENTARIAT["SITE_NAME"]
    comment = statement.comment
    if kind == "statement":
        url = site_url(reverse("appeal", kwargs={"token": appeal_token(statement)}))
        subject = f"Your comment on {site} was removed: the reasons"
        body = (
            f"Your comment on “{comment.post.title}” was removed by the moderators of {site}.\n\n"
            f"Rule: {statement.rule}\n\nExplanation:\n{statement.explanation}\n\n"
            f"If you think this is wrong, you can appeal once, within {APPEAL_DAYS} days:\n{url}\n"
        )
    else:
        subject = f"Your appeal to {site}: {statement.get_outcome_display().lower()}"
        body = (
            f"A moderator of {site} has decided your appeal about your comment on “{comment.post.title}”:\n"
            f"{statement.get_outcome_display()}.\n"
        )
        if statement.outcome_note:
            body += f"\n{statement.outcome_note}\n"
        if statement.outcome == Statement.Outcome.REINSTATED:
            body += f"\nIt is back in the discussion: {site_url(comment.get_absolute_url())}\n"
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[comment.author_email]).send()  # fmt: skip
