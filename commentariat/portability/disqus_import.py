"""Reading a Disqus export: its threads and every comment of the forum.

Disqus's XML export is a <disqus> root holding <category>, <thread dsq:id> and <post dsq:id>
elements, threads first and then the forum's comments in no particular order; dsq: is
http://disqus.com/disqus-internals. Disqus writes the elements in the default namespace
http://disqus.com, but files passed through other tools come without it, so elements are known
by their local name whatever their namespace.

The threads are stored by thread_import.py, as the embed systems' are: under the post at the
thread's link (new or old address), else the post its identifier names (Disqus's WordPress plugin
writes "123 https://old.example.org/?p=123"), else as the embedded thread of its page. A thread of
the site that moved here (a WordPress site imported here, or this one), of a local address, or
deleted on Disqus never becomes an embedded thread: with no post it is skipped and listed. A
thread deleted on Disqus brings its comments in as removed, so that nothing readers could not see
shows, and a moderator can still restore one.
"""

import ipaddress
from datetime import datetime

from django.conf import settings
from lxml import etree

from commentariat.discussion.models import Comment

from .addresses import site_host
from .comment_import import IncomingComment, clean_ip
from .exceptions import UnreadableExport
from .models import ImportedItem
from .report import ImportReport
from .thread_import import CommentExport, SourceThread, import_threads, parse_moment

DSQ_ID = "{http://disqus.com/disqus-internals}id"
# The summary's line for the <post> elements read; not "comments …", which counts what was stored.
COMMENTS_READ = "Disqus comments read"


def import_disqus(source, *, on_thread=None) -> ImportReport:
    """Import a Disqus XML export (a path or a binary file object), in one transaction.

    Raises lxml.etree.XMLSyntaxError for a file that is not well-formed and UnreadableExport
    for one that is not a Disqus export; then nothing is imported. on_thread(report, done,
    total) is called after each post's comments.
    """
    return import_threads(read_disqus(source), on_thread=on_thread)


def read_disqus(source) -> CommentExport:
    """The export's threads with their comments; comments of a thread the file lacks are listed."""
    report = ImportReport()
    threads: dict[str, SourceThread] = {}
    deleted: set[str] = set()
    thread_dates: dict[str, datetime | None] = {}
    comments: dict[str, list[IncomingComment]] = {}
    forum = ""
    for element in _top_level_elements(source):
        name = _local(element.tag)
        if name in ("category", "thread"):
            forum = forum or _text(element, "forum")
        if name == "thread":
            thread_id = _dsq_id(element)
            threads.setdefault(thread_id, _thread(element))
            thread_dates.setdefault(thread_id, parse_moment(_text(element, "createdAt")))
            if _text(element, "isDeleted") == "true":
                deleted.add(thread_id)
        elif name == "post":
            comments.setdefault(_dsq_id(_child(element, "thread")), []).append(_comment(element))
        element.clear()
    report.count(COMMENTS_READ, sum(map(len, comments.values())))
    for thread_id, incoming in comments.items():
        if thread_id not in threads:
            label = f"thread {thread_id or '(none named)'}"
            report.skip(label, f"not in the file; its {len(incoming)} comment(s) were skipped")
            continue
        threads[thread_id].comments = incoming
        _date_undated(incoming, thread_dates.get(thread_id), report)
        if thread_id in deleted:
            _remove_all(incoming)
    _refuse_embedding(threads, deleted)
    return CommentExport(
        source=f"disqus {forum or 'unknown'}"[:300], threads=list(threads.values()), report=report
    )


def _top_level_elements(source):
    """The children of <disqus>, each complete when yielded and dropped after."""
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
    )
    depth = 0
    for event, element in events:
        if event == "start":
            if depth == 0 and _local(element.tag) != "disqus":
                raise UnreadableExport(
                    f"its root element is <{_local(element.tag)}>, not <disqus>: it is not a Disqus export"
                )
            depth += 1
            continue
        depth -= 1
        if depth == 1:
            yield element
            parent = element.getparent()
            while element.getprevious() is not None:  # what was read stays in memory otherwise
                del parent[0]


def _thread(element) -> SourceThread:
    return SourceThread(
        address=_text(element, "link"),
        title=_text(element, "title"),
        identifier=_text(element, "id"),
        closed=_text(element, "isClosed") == "true",
    )


def _comment(element) -> IncomingComment:
    author = _child(element, "author")
    if _text(element, "isSpam") == "true":
        status = Comment.Status.SPAM
    elif _text(element, "isDeleted") == "true":
        status = Comment.Status.REMOVED
    elif _text(element, "isApproved") == "false":
        status = Comment.Status.PENDING
    else:
        status = Comment.Status.APPROVED
    return IncomingComment(
        legacy_id=_dsq_id(element),
        parent_legacy_id=_dsq_id(_child(element, "parent")),
        kind=Comment.Kind.COMMENT,
        status=status,
        author_name=_text(author, "name") or _text(author, "username") or "Anonymous",
        author_email=_text(author, "email"),
        author_url="",
        ip_address=clean_ip(_text(element, "ipAddress")) or "",
        created_at=parse_moment(_text(element, "createdAt")),  # None: dated as its post
        body=_text(element, "message"),
        body_format=Comment.BodyFormat.WORDPRESS,
    )


def _remove_all(incoming: list[IncomingComment]) -> None:
    for c in incoming:
        if c.status != Comment.Status.SPAM:
            c.status = Comment.Status.REMOVED


def _date_undated(incoming: list[IncomingComment], thread_date, report: ImportReport) -> None:
    """A comment whose date cannot be read takes its thread's (when Disqus first showed it), so
    that every import dates it the same; with none, thread_import dates it as its post."""
    if thread_date is None:
        return
    for c in incoming:
        if c.created_at is None:
            c.created_at = thread_date
            report.count("dates unreadable (thread's used)")


def _refuse_embedding(threads: dict[str, SourceThread], deleted: set[str]) -> None:
    """Say which threads must not become embedded threads when no post here matches them."""
    moved_here = _hosts_moved_here()
    for thread_id, thread in threads.items():
        host = site_host(thread.address)
        if not thread.address:
            named = (
                f", and no post here has its identifier {thread.identifier[:60]!r}"
                if thread.identifier
                else ""
            )
            thread.not_embeddable = f"Disqus thread {thread_id[:40]} has no link{named}"
        elif thread_id in deleted:
            thread.not_embeddable = "no post at this address, and the thread was deleted on Disqus"
        elif not thread.address.lower().startswith(("http://", "https://")) or not host:
            thread.not_embeddable = "no post at this address, and it is not a web page's address"
        elif _is_local(host):
            thread.not_embeddable = "no post at this address, and it is a local address (a test page)"
        elif host in moved_here:
            thread.not_embeddable = "no post at this address on the site that moved here"


def _hosts_moved_here() -> set[str]:
    """The hosts of this site and of the WordPress sites imported into it."""
    sources = (
        ImportedItem.objects.filter(source__startswith="wordpress ", kind=ImportedItem.Kind.POST)
        .values_list("source", flat=True)
        .distinct()
    )
    hosts = {site_host(source.removeprefix("wordpress ")) for source in sources}
    return (hosts | {site_host(settings.COMMENTARIAT["SITE_URL"])}) - {""}


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local", ".test", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_unspecified or address.is_link_local


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element, name: str):
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _dsq_id(element) -> str:
    """dsq:id, in the namespace Disqus gives it, or in none when a tool dropped its declaration."""
    if element is None:
        return ""
    found = element.get(DSQ_ID)
    if found is None:
        found = next((value for key, value in element.attrib.items() if _local(key) == "id"), "")
    return found.strip()
