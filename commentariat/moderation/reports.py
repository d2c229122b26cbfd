"""Readers' reports of comments: filed without an account, weighed, shown in the queue, closed by a decision.

- Anyone who can read a comment can report it, with a reason (and, for illegal content, an
  explanation and an address to hear the decision at). One open report per comment per reader
  (IP address or email); REPORTS_PER_HOUR per IP address.
- A report from an IP address that has approved comments on the site weighs REGULAR_WEIGHT, others
  1 (an address a reader types proves nothing; the address their comments came from does a little).
- The queue shows a reported comment, whatever its status, above unreported ones by the open
  reports' total weight (queue.py), with every reason and explanation.
- A moderator's approve, spam or remove decision closes the comment's open reports
  (decide_comment calls close_reports); reporters of illegal content who left an address are
  told the decision by mail. "Back to queue" leaves them open.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse

from commentariat.core import clock
from commentariat.core.links import site_url
from commentariat.core.queue_signal import queue_changed
from commentariat.core.rate_limit import over_limit
from commentariat.discussion.models import Comment

from .exceptions import ReportRefused
from .models import Report

REPORTS_PER_HOUR = 10
REGULAR_WEIGHT = 3
# Decisions that close a comment's open reports, and how the reporter is told.
CLOSING = {
    Comment.Status.APPROVED: "kept: a moderator found it within the rules",
    Comment.Status.SPAM: "removed as spam",
    Comment.Status.REMOVED: "removed by a moderator",
    Comment.Status.WITHDRAWN: "taken down by its author",
}


def file_report(*, comment: Comment, reason: str, explanation: str = "", email: str = "",
                ip: str | None = None) -> tuple[Report, bool]:  # fmt: skip
    """Record a reader's report; (report, created). A repeated report returns the open one."""
    if reason not in Report.Reason.values:
        raise ReportRefused("Choose a reason for the report.")
    if reason == Report.Reason.ILLEGAL and not explanation.strip():
        raise ReportRefused("Say why this comment is illegal, so that a moderator can judge it.")
    if ip and over_limit(f"report:{ip}", limit=REPORTS_PER_HOUR, window_seconds=3600):
        raise ReportRefused(
            "You have sent many reports in the last hour. Please try again later.", status_code=429
        )
    same_reader = Q(reporter_ip=ip) if ip else Q(pk__in=[])
    if email:
        same_reader |= Q(reporter_email__iexact=email)
    with transaction.atomic():
        earlier = Report.objects.filter(same_reader, comment=comment, resolved_at__isnull=True).first()
        if earlier is not None:
            return earlier, False
        regular = ip and Comment.objects.filter(ip_address=ip, status=Comment.Status.APPROVED).exists()
        report = Report.objects.create(
            comment=comment, reason=reason, explanation=explanation.strip(), reporter_email=email,
            reporter_ip=ip, weight=REGULAR_WEIGHT if regular else 1,
        )  # fmt: skip
    queue_changed(comment.pk, "reported")
    # A confirmation at most three times a day per address: the form cannot be used to mail a stranger.
    if email and not over_limit(f"report-mail:{email.lower()}", limit=3, window_seconds=86400):
        from .tasks import send_report_mail

        transaction.on_commit(lambda: send_report_mail.enqueue(report_id=report.pk, kind="received"))
    return report, True


def close_reports(comment: Comment) -> None:
    """A moderator decided the comment, or its author took it down: its open reports are closed
    with that outcome.

    Called inside the decision's transaction; mail to reporters goes after commit.
    """
    if comment.status not in CLOSING:
        return
    open_reports = Report.objects.filter(comment=comment, resolved_at__isnull=True)
    to_tell = list(
        open_reports.filter(reason=Report.Reason.ILLEGAL).exclude(reporter_email="").values_list("pk", flat=True)
    )
    open_reports.update(resolved_at=clock.now(), resolution=comment.status)
    if to_tell:
        from .tasks import send_report_mail

        def tell():
            for pk in to_tell:
                send_report_mail.enqueue(report_id=pk, kind="decided")

        transaction.on_commit(tell)


def reopen_reports(comment: Comment, *, closed_by) -> None:
    """A decision was undone: the reports it closed are open again (the comment is back in the
    queue as reported, for the next decision to close them and tell their reporters)."""
    Report.objects.filter(comment=comment, resolved_at__gte=closed_by.created_at,
                          resolution=closed_by.after.get("status", "")).update(resolved_at=None, resolution="")  # fmt: skip


def open_reports_by_comment(comment_ids) -> dict[int, list[Report]]:
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(comment_id__in=list(comment_ids), resolved_at__isnull=True).order_by(
        "created_at"
    ):
        reports.setdefault(report.comment_id, []).append(report)
    return reports


def open_weight():
    """The total weight of a comment's open reports, as a queryset annotation (NULL when none)."""
    return Sum("reports__weight", filter=Q(reports__resolved_at__isnull=True))


def send_report_mail_now(report_id: int, kind: str) -> None:
    report = Report.objects.select_related("comment", "comment__post").filter(pk=report_id).first()
    if report is None or not report.reporter_email:
        return
    site = settings.COMMENTARIAT["SITE_NAME"]
    comment = report.comment
    where = site_url(reverse("discussion:comment-permalink", args=[comment.pk]))
    if kind == "received":
        subject = f"Your report to {site} was received"
        body = (
            f"Thank you. Your report of a comment on “{comment.post.title}” ({where}) reached the moderators\n"
            f"of {site}. Reason: {report.get_reason_display()}.\n"
        )
        if report.reason == Report.Reason.ILLEGAL:
            body += "\nYou will hear from us again when a moderator has decided.\n"
    else:
        outcome = CLOSING.get(report.resolution, report.resolution)
        subject = f"Decision on your report to {site}"
        body = (
            f"The comment you reported as illegal content on “{comment.post.title}” ({where}) was\n"
            f"{outcome}.\n"
        )
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[report.reporter_email]).send()  # fmt: skip
