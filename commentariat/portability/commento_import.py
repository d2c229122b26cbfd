"""Reading a Commento or Comentario export (the gzipped JSON their dashboards send).

Version 1 is Commento's (api/domain_export.go), which Comentario also reads and writes:
{"version": 1, "comments": [...], "commenters": [...]}. A comment has its "commentHex", its
parent's ("parentHex", "root" at the top), its page's path ("url" in Commento, "path" in
Comentario) and domain ("domain", or "host"), its author ("commenterHex"; "anonymous" or zeros
for a guest), its Markdown, its "state" (approved, unapproved: awaiting moderation, flagged: spam)
and "deleted". Commenters carry name, email and website ("link", or "websiteUrl").

Version 3 is Comentario's own: {"version": 3, "pages": [...], "comments": [...], "commenters":
[...]}, with ids as UUIDs, pages by "path" (and "title"), comments with "parentId", "pageId",
"userCreated", "authorName" (a guest's name), "createdTime" and the flags isApproved, isPending
and isDeleted; a comment neither approved nor pending was rejected by a moderator.
"""

from commentariat.discussion.models import Comment

from .comment_import import IncomingComment
from .exceptions import UnreadableExport
from .report import ImportReport
from .thread_import import CommentExport, SourceThread, import_threads, load_json, page_url, parse_moment

WHAT = "a Commento or Comentario export"
_V1_STATES = {"approved": Comment.Status.APPROVED, "unapproved": Comment.Status.PENDING,
              "flagged": Comment.Status.SPAM}  # fmt: skip
_GUESTS = {"anonymous", "0" * 64, "00000000-0000-0000-0000-000000000000"}


def import_commento(path, *, site_url: str = "", on_thread=None) -> ImportReport:
    """Import a Commento or Comentario export (gzipped or not). Raises UnreadableExport or OSError."""
    return import_threads(read_commento(path), site_url=site_url, on_thread=on_thread)


def read_commento(path) -> CommentExport:
    data = load_json(path, WHAT)
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise UnreadableExport(f'it is not {WHAT}: no "comments" list in it')
    version = data.get("version")
    if version == 1:
        return _read_v1(data)
    if version == 3:
        return _read_v3(data)
    raise UnreadableExport(f"it is an export of version {version!r}; this import reads versions 1 and 3")


def _read_v1(data: dict) -> CommentExport:
    people = {
        str(person.get("commenterHex")): (
            str(person.get("name") or ""),
            str(person.get("email") or ""),
            str(person.get("link") or person.get("websiteUrl") or ""),  # Commento writes "undefined"
        )  # fmt: skip
        for person in _objects(data.get("commenters"))
    }
    threads: dict[str, SourceThread] = {}
    domain = ""
    for item in _objects(data["comments"]):
        domain = domain or str(item.get("domain") or item.get("host") or "")
        address = "/" + str(item.get("path") or item.get("url") or "").lstrip("/")  # "" is the home page
        host = str(item.get("domain") or item.get("host") or "")
        thread = threads.setdefault(
            address, SourceThread(address=address, title="", base_url=f"https://{host}" if host else "")
        )
        thread.comments.append(_v1_comment(item, people))
    return CommentExport(source=f"commento {domain}".strip()[:300], threads=list(threads.values()))


def _v1_comment(item: dict, people: dict) -> IncomingComment:
    author = str(item.get("commenterHex") or "")
    name, email, website = ("", "", "") if author in _GUESTS else people.get(author, ("", "", ""))
    markdown = str(item.get("markdown") or "")
    deleted = bool(item.get("deleted")) or markdown == "[deleted]"
    parent = str(item.get("parentHex") or "")
    return IncomingComment(
        legacy_id=str(item.get("commentHex") or ""), parent_legacy_id="" if parent == "root" else parent,
        kind=Comment.Kind.COMMENT,
        status=Comment.Status.REMOVED if deleted else _V1_STATES.get(item.get("state"), Comment.Status.PENDING),
        author_name=name, author_email=email, author_url=website, ip_address="",
        created_at=parse_moment(item.get("creationDate")), body="" if deleted else markdown,
        body_format=Comment.BodyFormat.MARKDOWN,
    )  # fmt: skip


def _read_v3(data: dict) -> CommentExport:
    people = {
        str(person.get("id")): (
            str(person.get("name") or ""),
            str(person.get("email") or ""),
            str(person.get("websiteUrl") or ""),
        )  # fmt: skip
        for person in _objects(data.get("commenters"))
    }
    pages = {str(page.get("id")): page for page in _objects(data.get("pages"))}
    threads: dict[str, SourceThread] = {}
    for item in _objects(data["comments"]):
        page = pages.get(str(item.get("pageId")), {})
        address = str(page.get("path") or "")
        thread = threads.setdefault(
            address, SourceThread(address=address, title=str(page.get("title") or ""))
        )
        # A comment's own address, when given, names the site's host.
        thread.base_url = thread.base_url or page_url(str(item.get("url") or ""))
        thread.comments.append(_v3_comment(item, people))
    domain = next((str(page.get("domainId")) for page in pages.values() if page.get("domainId")), "")
    return CommentExport(source=f"comentario {domain}".strip()[:300], threads=list(threads.values()))


def _v3_comment(item: dict, people: dict) -> IncomingComment:
    author = str(item.get("userCreated") or "")
    name, email, website = ("", "", "") if author in _GUESTS else people.get(author, ("", "", ""))
    if item.get("isDeleted"):
        status = Comment.Status.REMOVED
    elif item.get("isApproved"):
        status = Comment.Status.APPROVED
    elif item.get("isPending"):
        status = Comment.Status.PENDING
    else:
        status = Comment.Status.REMOVED  # rejected by a moderator
    return IncomingComment(
        legacy_id=str(item.get("id") or ""), parent_legacy_id=str(item.get("parentId") or ""),
        kind=Comment.Kind.COMMENT, status=status,
        author_name=name or str(item.get("authorName") or ""), author_email=email, author_url=website,
        ip_address="", created_at=parse_moment(item.get("createdTime")),
        body="" if item.get("isDeleted") else str(item.get("markdown") or ""),
        body_format=Comment.BodyFormat.MARKDOWN,
    )  # fmt: skip


def _objects(values) -> list[dict]:
    return [value for value in values if isinstance(value, dict)] if isinstance(values, list) else []
