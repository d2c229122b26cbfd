"""What moderators need to know about a commenter, gathered for a page of the queue at once."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min

from commentariat.discussion.models import Comment

from .models import CommenterNote, Sanction


@dataclass
class CommenterHistory:
    email: str
    counts: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    other_names: list[str] = field(default_factory=list)
    names_from_same_ip: list[str] = field(default_factory=list)
    notes: list[CommenterNote] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return self.counts.get(Comment.Status.APPROVED, 0)

    @property
    def spam(self) -> int:
        return self.counts.get(Comment.Status.SPAM, 0)

    @property
    def removed(self) -> int:
        return self.counts.get(Comment.Status.REMOVED, 0)

    @property
    def pending(self) -> int:
        return self.counts.get(Comment.Status.PENDING, 0)


def commenter_histories(comments) -> dict[str, CommenterHistory]:
    """History keyed by lower-cased email, for every commenter of these comments (a few queries in all)."""
    emails = {c.author_email.lower() for c in comments}
    ips = {c.ip_address for c in comments if c.ip_address}
    histories = {email: CommenterHistory(email) for email in emails}
    by_email = Comment.objects.filter(author_email__in=_case_variants(comments))
    for row in by_email.values("author_email", "status").annotate(n=Count("id"), first=Min("created_at")):
        history = histories.get(row["author_email"].lower())
        if history is None:
            continue
        history.counts[row["status"]] = history.counts.get(row["status"], 0) + row["n"]
        if history.first_seen is None or row["first"] < history.first_seen:
            history.first_seen = row["first"]
    names = by_email.values_list("author_email", "author_name").distinct()
    for email, name in names:
        history = histories.get(email.lower())
        if history is not None and name not in history.other_names:
            history.other_names.append(name)
    ip_names = Comment.objects.filter(ip_address__in=ips).values_list("ip_address", "author_name").distinct()
    names_by_ip: dict[str, set[str]] = {}
    for ip, name in ip_names:
        names_by_ip.setdefault(ip, set()).add(name)
    for comment in comments:
        history = histories[comment.author_email.lower()]
        others = sorted(names_by_ip.get(comment.ip_address, set()) - {comment.author_name})
        history.names_from_same_ip = sorted(set(history.names_from_same_ip) | set(others))
        history.other_names = [name for name in history.other_names if name != comment.author_name]
    for note in CommenterNote.objects.filter(email__in=emails).select_related("author"):
        histories[note.email.lower()].notes.append(note)
    for sanction in Sanction.objects.active().filter(email__in=emails):
        histories[sanction.email.lower()].sanctions.append(sanction)
    return histories


def _case_variants(comments) -> set[str]:
    # Emails are matched case-insensitively; the stored spellings are what the IN query needs.
    return {c.author_email for c in comments} | {c.author_email.lower() for c in comments}
