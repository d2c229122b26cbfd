"""Writing the whole site as a WordPress export (WXR 1.2).

It is the operator's backup and way out: every post and page, every comment in every status,
with emails and IP addresses. It is written by a management command, never served at a URL.
Items are written one at a time (lxml's incremental writer), so memory stays flat.
"""

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from lxml import etree

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Category, Post, Tag

from .backup_extension import BACKUP_NAMESPACE, add_post_element, people_in_backup, site_element
from .models import ImportedItem
from .wxr_import import MARKDOWN_META, NUMBER_META

WP = "http://wordpress.org/export/1.2/"
NSMAP = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
    # Ours, for what WordPress has no place for; its importer passes over it (backup_extension.py).
    "commentariat": BACKUP_NAMESPACE,
}
_COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
    Comment.Status.WITHDRAWN: "trash",  # WordPress has no "deleted by its author"
}
# Characters XML 1.0 cannot carry at all; they are dropped rather than failing the export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NO_DATE = "0000-00-00 00:00:00"
# ' xmlns:excerpt="…" xmlns:content="…" …' as lxml writes it for NSMAP.
_DECLARATIONS = etree.tostring(etree.Element("x", nsmap=NSMAP), encoding="unicode")[2:-2]


def export_wxr(out, *, site_url: str | None = None) -> Counter:
    """Write the site to out (a binary file object); returns counts of what was written."""
    site_url = (site_url or settings.COMMENTARIAT["SITE_URL"]).rstrip("/")
    counts = Counter()
    local_zone = ZoneInfo(settings.TIME_ZONE)
    legacy_statuses = dict(
        ImportedItem.objects.filter(kind=ImportedItem.Kind.POST)
        .exclude(legacy_status="")
        .values_list("object_id", "legacy_status")
    )
    write = _Writer(out).write
    write('<?xml version="1.0" encoding="UTF-8" ?>\n')
    write(f'<rss version="2.0"{_DECLARATIONS}>\n<channel>\n')
    for tag, text in [
        ("title", settings.COMMENTARIAT["SITE_NAME"]),
        ("link", site_url),
        ("description", settings.COMMENTARIAT["SITE_TAGLINE"]),
        ("pubDate", _rfc822(timezone.now())),
        ("language", settings.LANGUAGE_CODE),
        (f"{{{WP}}}wxr_version", "1.2"),
        (f"{{{WP}}}base_site_url", site_url),
        (f"{{{WP}}}base_blog_url", site_url),
    ]:
        write(_element(tag, text))
    people = list(_people())
    write(site_element(NSMAP, people))
    for user in people:
        write(_author(user))
        counts["authors"] += 1
    for category in Category.objects.select_related("parent").order_by("pk"):
        write(_category(category))
        counts["categories"] += 1
    for tag in Tag.objects.order_by("pk"):
        write(_tag(tag))
        counts["tags"] += 1
    posts = Post.objects.select_related("author").prefetch_related("categories", "tags")
    for post in posts.order_by("pk").iterator(chunk_size=200):
        write(_item(post, site_url, local_zone, legacy_statuses.get(post.pk, ""), counts))
        counts["pages" if post.kind == Post.Kind.PAGE else "posts"] += 1
    write("</channel>\n</rss>\n")
    return counts


class _Writer:
    """Elements serialized one by one under the <rss> element that declares the namespaces."""

    def __init__(self, out):
        self.out = out

    def write(self, part) -> None:
        if not isinstance(part, str):
            # Each element is built with the full namespace map (so that it serializes with the
            # wp:, dc:… prefixes WordPress expects); the declarations are dropped from its first
            # tag, since <rss> already made them.
            part = etree.tostring(part, encoding="unicode", pretty_print=True).replace(_DECLARATIONS, "", 1)
        self.out.write(part.encode("utf-8"))


def _people():
    """Everyone who wrote a post, or a comment as a logged-in staff member, or whom the
    extension names (a pick, a note, a sanction): an import recreates them from here."""
    User = get_user_model()
    ids = set(Post.objects.values_list("author_id", flat=True)) | people_in_backup()
    ids |= set(Comment.objects.exclude(user=None).values_list("user_id", flat=True).distinct())
    return User.objects.filter(pk__in=ids).order_by("pk")


def _item(post: Post, site_url: str, zone, legacy_status: str, counts: Counter):
    item = etree.Element("item", nsmap=NSMAP)
    url = f"{site_url}{post.get_absolute_url()}"
    _sub(item, "title", post.title)
    _sub(item, "link", url)
    if post.published_at:
        _sub(item, "pubDate", _rfc822(post.published_at))
    _sub(item, f"{{{NSMAP['dc']}}}creator", post.author.get_username())
    _sub(item, "guid", f"{site_url}/?p={post.pk}").set("isPermaLink", "false")
    _sub(item, "description", "")
    is_markdown = post.body_format == Post.BodyFormat.MARKDOWN
    _sub(item, f"{{{NSMAP['content']}}}encoded", post.body_html if is_markdown else post.body)
    _sub(item, f"{{{NSMAP['excerpt']}}}encoded", post.excerpt)
    moment = post.published_at or post.created_at
    _wp(item, "post_id", post.pk)
    _wp(item, "post_date", _local(moment, zone))
    _wp(item, "post_date_gmt", _gmt(post.published_at) if post.published_at else _NO_DATE)
    _wp(item, "post_modified", _local(post.updated_at, zone))
    _wp(item, "post_modified_gmt", _gmt(post.updated_at))
    _wp(item, "comment_status", "open" if post.comments_open else "closed")
    _wp(item, "ping_status", "closed")
    _wp(item, "post_name", post.slug)
    _wp(item, "status", _post_status(post, legacy_status))
    _wp(item, "post_parent", 0)
    _wp(item, "menu_order", 0)
    _wp(item, "post_type", post.kind)
    _wp(item, "post_password", post.password)
    _wp(item, "is_sticky", 0)
    for category in post.categories.all():
        _term_ref(item, "category", category)
    for tag in post.tags.all():
        _term_ref(item, "post_tag", tag)
    if is_markdown:
        _meta(item, "postmeta", MARKDOWN_META, post.body)
    add_post_element(item, post)
    for comment in Comment.objects.filter(post=post).order_by("pk").iterator(chunk_size=1000):
        _comment(item, comment, zone)
        counts[
            f"comments {comment.status}" if comment.kind == Comment.Kind.COMMENT else f"{comment.kind}s"
        ] += 1
    return item


def _comment(parent, comment: Comment, zone):
    element = etree.SubElement(parent, f"{{{WP}}}comment")
    _wp(element, "comment_id", comment.pk)
    _wp(element, "comment_author", comment.author_name)
    _wp(element, "comment_author_email", comment.author_email)
    _wp(element, "comment_author_url", comment.author_url)
    _wp(element, "comment_author_IP", comment.ip_address or "")
    _wp(element, "comment_date", _local(comment.created_at, zone))
    _wp(element, "comment_date_gmt", _gmt(comment.created_at))
    is_markdown = comment.body_format == Comment.BodyFormat.MARKDOWN
    _wp(element, "comment_content", comment.body_html if is_markdown else comment.body)
    _wp(element, "comment_approved", _COMMENT_APPROVED[comment.status])
    _wp(element, "comment_type", comment.kind)
    _wp(element, "comment_parent", comment.parent_id or 0)
    _wp(element, "comment_user_id", comment.user_id or 0)
    if is_markdown:
        _meta(element, "commentmeta", MARKDOWN_META, comment.body)
    if comment.number:
        _meta(element, "commentmeta", NUMBER_META, comment.number)
    return element


def _post_status(post: Post, legacy_status: str) -> str:
    if post.status == Post.Status.PUBLISHED:
        return "publish" if post.is_published() else "future"
    return legacy_status or "draft"


def _author(user):
    element = etree.Element(f"{{{WP}}}author", nsmap=NSMAP)
    _wp(element, "author_id", user.pk)
    _wp(element, "author_login", user.get_username())
    _wp(element, "author_email", user.email)
    _wp(element, "author_display_name", user.get_full_name() or user.get_username())
    _wp(element, "author_first_name", user.first_name)
    _wp(element, "author_last_name", user.last_name)
    return element


def _category(category: Category):
    element = etree.Element(f"{{{WP}}}category", nsmap=NSMAP)
    _wp(element, "term_id", category.pk)
    _wp(element, "category_nicename", category.slug)
    _wp(element, "category_parent", category.parent.slug if category.parent else "")
    _wp(element, "cat_name", category.name)
    _wp(element, "category_description", category.description)
    return element


def _tag(tag: Tag):
    element = etree.Element(f"{{{WP}}}tag", nsmap=NSMAP)
    _wp(element, "term_id", tag.pk)
    _wp(element, "tag_slug", tag.slug)
    _wp(element, "tag_name", tag.name)
    return element


def _term_ref(item, domain: str, term) -> None:
    element = _sub(item, "category", term.name)
    element.set("domain", domain)
    element.set("nicename", term.slug)


def _meta(parent, tag: str, key: str, value: str) -> None:
    entry = etree.SubElement(parent, f"{{{WP}}}{tag}")
    _wp(entry, "meta_key", key)
    _wp(entry, "meta_value", value)


def _element(tag: str, text) -> etree._Element:
    element = etree.Element(tag, nsmap=NSMAP)
    element.text = _NOT_XML.sub("", str(text))
    return element


def _sub(parent, tag: str, text) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", str(text))
    return element


def _wp(parent, name: str, text) -> etree._Element:
    return _sub(parent, f"{{{WP}}}{name}", text)


def _local(moment: datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _gmt(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%a, %d %b %Y %H:%M:%S +0000")
