"""Reading Artalk's Artrans: the JSON its control center exports (and its converters write).

An Artrans file is a JSON array of comments, every field a string (artalk.js.org/guide/transfer,
internal/entity/artran.go): "id", "rid" (the parent's id, "0" or "" at the top), "content"
(Markdown), "ip", "created_at" ("2021-10-28 20:50:15 +0800"), "is_pending", "nick", "email",
"link", and the page: "page_key" (its address, or its path), "page_title", "site_name", and
"site_urls" (the site's addresses, comma-separated, the first its own). Converters sometimes write
numbers and booleans instead of strings; both are read. Artalk deletes comments outright and
keeps no spam, so a comment was public or awaiting moderation.

One Artalk serves several sites and counts ids across all of them; each id is kept with its
site's name, so that two servers' files do not mistake each other's comments.
"""

from commentariat.core import text
from commentariat.discussion.models import Comment

from .comment_import import IncomingComment, clean_ip
from .exceptions import UnreadableExport
from .report import ImportReport
from .thread_import import CommentExport, SourceThread, import_threads, load_json, parse_moment

WHAT = "an Artrans file (Artalk's export)"


def import_artalk(path, *, site_url: str = "", on_thread=None) -> ImportReport:
    """Import an Artrans file. Raises UnreadableExport or OSError."""
    return import_threads(read_artalk(path), site_url=site_url, on_thread=on_thread)


def read_artalk(path) -> CommentExport:
    data = load_json(path, WHAT)
    if not isinstance(data, list):
        raise UnreadableExport(f"it is not {WHAT}: an Artrans file is a JSON array of comments")
    threads: dict[tuple[str, str], SourceThread] = {}
    export = CommentExport(source="artalk", threads=[])
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            export.report.skip(f"item {position}", "not a comment (a JSON object)")
            continue
        site, address = _text(item.get("site_name")), _text(item.get("page_key"))
        thread = threads.get((site, address))
        if thread is None:
            base = _text(item.get("site_urls")).split(",")[0].strip()
            thread = threads[site, address] = SourceThread(
                address=address, title=_text(item.get("page_title")), base_url=base
            )
        thread.comments.append(_comment(item, site))
    export.threads = list(threads.values())
    return export


def _comment(item: dict, site: str) -> IncomingComment:
    legacy_id, parent = _text(item.get("id")), _text(item.get("rid"))
    return IncomingComment(
        legacy_id=_qualified(site, legacy_id) if legacy_id else "",
        parent_legacy_id=_qualified(site, parent) if parent not in ("", "0") else "",
        kind=Comment.Kind.COMMENT,
        status=Comment.Status.PENDING if _text(item.get("is_pending")).lower() == "true" else Comment.Status.APPROVED,
        author_name=_text(item.get("nick")), author_email=_text(item.get("email")),
        author_url=_text(item.get("link")), ip_address=clean_ip(_text(item.get("ip"))) or "",
        created_at=parse_moment(item.get("created_at")), body=_text(item.get("content")),
        body_format=Comment.BodyFormat.MARKDOWN,
    )  # fmt: skip


def _qualified(site: str, legacy_id: str) -> str:
    return f"{text.clean_line(site)[:60]}#{legacy_id}"  # an id too long is refused, not cut


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id a converter wrote as 12.0
    return str(value)
