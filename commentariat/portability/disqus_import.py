"""Importing a Disqus export: each thread's comments under the post at the thread's address.

Disqus lists threads first and then every comment of the forum, in no particular order, so
the comments are gathered per thread (as small tuples) before each thread is stored.
"""

import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from lxml import etree

from commentariat.discussion.models import Comment
from commentariat.publishing.models import OldAddress, Post
from commentariat.publishing.redirects import legacy_address_for_query
from commentariat.search.indexing import bulk_indexing

from .comment_import import IncomingComment, clean_ip, store_comments
from .models import ImportedItem
from .report import ImportReport
from .wxr_import import after_import

DSQ = "http://disqus.com"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def import_disqus(source) -> ImportReport:
    """Import a Disqus XML export (a path or a binary file object), in one transaction.

    Raises lxml.etree.XMLSyntaxError for a file that is not well-formed, and then nothing is
    imported.
    """
    report = ImportReport()
    threads: dict[str, tuple[str, str, str]] = {}  # dsq:id → (link, title, identifier)
    comments: dict[str, list[IncomingComment]] = defaultdict(list)
    forum = ""
    events = etree.iterparse(
        source,
        events=("end",),
        tag=[f"{{{DSQ}}}thread", f"{{{DSQ}}}post", f"{{{DSQ}}}forum"],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )
    for _, element in events:
        parent = element.getparent()
        top_level = parent is not None and parent.getparent() is None
        if element.tag == f"{{{DSQ}}}forum":
            forum = forum or (element.text or "").strip()
        elif element.tag == f"{{{DSQ}}}thread" and top_level:
            threads[element.get(DSQ_ID, "")] = (
                _text(element, "link"),
                _text(element, "title"),
                _text(element, "id"),
            )
            _forget(element)
        elif element.tag == f"{{{DSQ}}}post" and top_level:
            thread = element.find(f"{{{DSQ}}}thread")
            thread_id = thread.get(DSQ_ID, "") if thread is not None else ""
            comments[thread_id].append(_comment(element))
            _forget(element)
    source_key = f"disqus {forum or 'unknown'}"[:300]
    with transaction.atomic(), bulk_indexing():
        new_source = not ImportedItem.objects.filter(source=source_key).exists()
        for thread_id, incoming in comments.items():
            link, title, identifier = threads.get(thread_id, ("", "", ""))
            label = f"thread {thread_id} ({link or 'unknown thread'})"
            post = find_post(link, identifier)
            if post is None:
                what = "no post at this address" if link else "the file has no such thread"
                report.skip(label, f"{what}; its {len(incoming)} comment(s) were skipped")
                continue
            store_comments(
                post, incoming, source=source_key, report=report, label=label, new_source=new_source
            )
        transaction.on_commit(lambda: after_import(report))
    return report


def find_post(link: str, identifier: str = "") -> Post | None:
    """The post a thread belongs to: by its address on this site, an old address the site
    redirects, or the WordPress id the Disqus plugin put in the thread's identifier."""
    if link:
        parts = urlsplit(link)
        path = unquote(parts.path) or "/"
        candidates = [path, path[:-1] if path.endswith("/") else f"{path}/"]
        query_address = legacy_address_for_query(path, parts.query) if parts.query else None
        if query_address:
            candidates.insert(0, query_address)
        legacy = OldAddress.objects.filter(address__in=candidates).select_related("post").first()
        if legacy:
            return legacy.post
        try:
            match = resolve(path if path.endswith("/") else f"{path}/")
        except Resolver404:
            match = None
        if match and match.view_name in ("discussion:post-detail", "pages:page-detail"):
            post = Post.objects.filter(slug=match.kwargs["slug"]).first()
            if post:
                return post
    wordpress_id = re.match(r"^(\d+)\s", f"{identifier} ")
    if wordpress_id:
        item = ImportedItem.objects.filter(
            source__startswith="wordpress", kind=ImportedItem.Kind.POST, legacy_id=wordpress_id.group(1)
        ).first()
        if item:
            return Post.objects.filter(pk=item.object_id).first()
    return None


def _comment(element) -> IncomingComment:
    author = element.find(f"{{{DSQ}}}author")
    parent = element.find(f"{{{DSQ}}}parent")
    if _text(element, "isSpam") == "true":
        status = Comment.Status.SPAM
    elif _text(element, "isDeleted") == "true":
        status = Comment.Status.REMOVED
    elif _text(element, "isApproved") == "false":
        status = Comment.Status.PENDING
    else:
        status = Comment.Status.APPROVED
    name = _text(author, "name") if author is not None else ""
    return IncomingComment(
        legacy_id=element.get(DSQ_ID, ""),
        parent_legacy_id=parent.get(DSQ_ID, "") if parent is not None else "",
        kind=Comment.Kind.COMMENT,
        status=status,
        author_name=name or (_text(author, "username") if author is not None else "") or "Anonymous",
        author_email=_text(author, "email") if author is not None else "",
        author_url="",
        ip_address=clean_ip(_text(element, "ipAddress")) or "",
        created_at=_date(_text(element, "createdAt")),
        body=_text(element, "message"),
        body_format=Comment.BodyFormat.WORDPRESS,
    )


def _text(element, name: str) -> str:
    child = element.find(f"{{{DSQ}}}{name}")
    return (child.text or "").strip() if child is not None else ""


def _date(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return timezone.now()


def _forget(element) -> None:
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]
