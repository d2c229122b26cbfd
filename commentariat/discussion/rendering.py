"""The thread's HTML, built in Python.

A 500-comment page is the hot path of the site: through the template engine each
comment cost ~0.15 ms, through format_html ~0.06 ms, with f-strings and the
standard library's escape a few microseconds (bench/post_page.py). Every value a
reader controls goes through _escape; body_html was sanitized by nh3 on save.
"""

from html import escape as _escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from commentariat.core.dates import machine_datetime

from .threads import ThreadNode

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_PICK_BADGE = '<span class="comment-pick">Editors\' pick</span> '
_PLACEHOLDER_NOTES = {"withdrawn": "Deleted by its author.", "pending": "Comment awaiting review."}
_AWAITING = '<p class="comment-awaiting">Your comment is awaiting moderation.</p>'


def render_thread(
    nodes: list[ThreadNode],
    *,
    page_query: str = "",
    accepts_replies: bool,
    reply_to_id: int | None = None,
    reply_form: str = "",
    quoted_in: dict | None = None,
    can_quote: bool = False,
    can_pick: bool = False,
    editable: dict | None = None,
    can_report: bool = True,
) -> SafeString:
    """The <li> items of a page of the thread; reply_form goes under the comment it answers.

    page_query: the query string of this page ("cpage=2&order=newest"), kept by the Reply links.
    quoted_in: comment id → published posts quoting it; can_quote: the viewer may start a
    post quoting a comment (staff pages are never cached, so this never leaks to readers).
    """
    page_query = f"{_escape(page_query)}&amp;" if page_query else ""
    parts: list[str] = []
    extras = _Extras(quoted_in or {}, can_quote, editable or {}, can_pick, can_report)
    extras.zone = timezone.get_current_timezone()  # looked up once, not twice per comment
    for node in nodes:
        _render_node(node, parts, page_query, accepts_replies, reply_to_id, reply_form, extras)
    return mark_safe("".join(parts))


class _Extras:
    __slots__ = ("quoted_in", "can_quote", "editable", "can_pick", "can_report", "zone")

    def __init__(self, quoted_in: dict, can_quote: bool, editable: dict, can_pick: bool = False,
                 can_report: bool = True):  # fmt: skip
        self.quoted_in, self.can_quote, self.editable, self.can_pick = (
            quoted_in,
            can_quote,
            editable,
            can_pick,
        )
        self.can_report = can_report

    def html(self, comment) -> str:
        parts = []
        for post in self.quoted_in.get(comment.id, ()):
            parts.append(
                f'<p class="comment-quoted-in">Quoted in <a href="{_escape(post.get_absolute_url())}">'
                f"{_escape(post.title)}</a></p>"
            )
        if comment.id in self.editable:
            minutes = max(1, round(self.editable[comment.id] / 60))
            parts.append(
                f'<p class="comment-own"><a href="/comments/{comment.id}/edit/">Edit or delete</a> '
                f"<span>(you can for {minutes} more minute{'s' if minutes != 1 else ''})</span></p>"
            )
        staff = []
        if self.can_quote and comment.is_public:
            staff.append(f'<a href="/comments/{comment.id}/quote/">Quote in a new post</a>')
        if self.can_pick and comment.is_public:
            label = "Unpick" if comment.picked_at else "Editors' pick"
            staff.append(f'<a href="/moderation/comments/{comment.id}/pick/">{label}</a>')
        if staff:
            parts.append(f'<p class="comment-staff">{" · ".join(staff)}</p>')
        return "".join(parts)


def placeholder_note(status: str, *, erased: bool = False) -> str:
    """What stands in a thread where a comment no longer shows (its replies keep their place)."""
    if erased:
        return "Removed at its author's request."
    return _PLACEHOLDER_NOTES.get(status, "Comment removed.")


def linkable_url(url: str) -> str:
    """A commenter's website if it is an http(s) address, else "" (forms accept no other, but
    rows can be written another way: imports, old data)."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def display_datetime(moment) -> str:
    """'November 20, 2026 at 7:50 a.m.' in the site's time zone."""
    return _display_local(timezone.localtime(moment))


def _display_local(local) -> str:
    hour = local.hour % 12 or 12
    meridiem = "a.m." if local.hour < 12 else "p.m."
    return f"{_MONTHS[local.month - 1]} {local.day}, {local.year} at {hour}:{local.minute:02d} {meridiem}"


def _render_node(
    node: ThreadNode,
    parts: list[str],
    page_query: str,
    accepts_replies: bool,
    reply_to_id: int | None,
    reply_form: str,
    extras: "_Extras",
) -> None:
    comment = node.comment
    anchor = f"comment-{comment.id}"
    if node.is_placeholder:
        number = _escape(comment.number)
        note = placeholder_note(comment.status, erased=comment.erased_at is not None)
        parts.append(
            f'<li id="{anchor}" class="comment depth-{comment.depth} comment-removed">'
            f'<article aria-label="Comment {number}"><p class="comment-meta">'
            f'<a class="comment-number" href="#{anchor}">{number}</a></p>'
            f'<p class="comment-removed-note">{note}</p></article>'
        )
    else:
        pending = " comment-pending" if node.is_pending else ""
        parts.append(f'<li id="{anchor}" class="comment depth-{comment.depth}{pending}">')
        parts.append(
            _render_article(node, anchor, page_query, accepts_replies and not node.is_pending, extras)
        )
    if reply_to_id == comment.id:
        parts.append(reply_form)
    if node.children:
        parts.append('<ol class="children">')
        for child in node.children:
            _render_node(child, parts, page_query, accepts_replies, reply_to_id, reply_form, extras)
        parts.append("</ol>")
    parts.append("</li>")


def _render_article(
    node: ThreadNode, anchor: str, page_query: str, show_reply: bool, extras: "_Extras"
) -> str:
    comment = node.comment
    name = _escape(comment.author_name)
    created = comment.created_at
    if created.utcoffset() is None:  # naive (a site without USE_TZ): as machine_datetime writes it
        when = f'<time datetime="{machine_datetime(created)}">{display_datetime(created)}</time>'
    else:
        local = created.astimezone(extras.zone)
        when = f'<time datetime="{local.isoformat(timespec="seconds")}">{_display_local(local)}</time>'
    # One permalink per comment, on its number: every link is a Tab stop, and a long thread
    # is read with the keyboard too (issue 16). Only a comment without a number links its date.
    if comment.number:
        number = _escape(comment.number)
        label = f"Comment {number}"
        number_link = (
            f'<a class="comment-number" href="#{anchor}" title="Link to comment {number}">{number}</a> '
        )
        date = f'<span class="comment-date">{when}</span>'
    else:
        label, number_link = "Your comment", ""
        date = f'<a class="comment-date" href="#{anchor}">{when}</a>'
    url = linkable_url(comment.author_url)
    if url:
        author = f'<a href="{_escape(url)}" rel="nofollow ugc noopener"><bdi>{name}</bdi></a>'
    else:
        author = f"<bdi>{name}</bdi>"
    actions = []
    if show_reply:
        actions.append(
            f'<a class="comment-reply-link" '
            f'href="?{page_query}replytocom={comment.id}#respond" data-comment-id="{comment.id}" '
            f'data-author="{name}" aria-label="Reply to {name}">Reply</a>'
        )
    if comment.number and not node.is_pending and extras.can_report:
        # Readers report a comment to the moderators (moderation/reports.py), no account needed.
        actions.append(
            f'<a class="comment-report-link" href="/comments/{comment.id}/report/" rel="nofollow" '
            f'aria-label="Report comment {_escape(comment.number)}">Report</a>'
        )
    reply = f'<p class="comment-actions">{" ".join(actions)}</p>' if actions else ""
    return (
        f'<article aria-label="{label}"><header class="comment-meta">{number_link}'
        f'<span class="comment-author">{author}</span> {_PICK_BADGE if comment.picked_at else ""}'
        f"{date}</header>"
        f"{_AWAITING if node.is_pending else ''}"
        f'<div class="comment-body">{comment.body_html}</div>{extras.html(comment)}{reply}</article>'
    )
