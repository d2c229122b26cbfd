"""`commentariat export-static DIR`: the public site as static files any web server can serve.

Every page is rendered by the site's own URL conf and views through Django's test client, in
archive mode (core/archive_mode.py): what a reader without a session saw, less what needs a
server (forms, reply links, scripts, the search box). It starts from the front page, every
published post and page, their categories, tags, authors and months, and the feeds, and follows
every link and asset they reference, so what is written holds no link to a missing file.

Files keep the site's addresses: /2024/05/slug/ is 2024/05/slug/index.html; a feed at /feed/
is feed/index.xml (and index.html, for servers that only look for that); /comments/12/ is a
page sending the browser to the post at #comment-12. Query strings cannot be answered by a
file: pages of a listing are /page/2/, a thread is written whole on its post's page, and any
other link with a query is listed as skipped. The directory is written beside DIR and put in
place at the end, so a failed export leaves DIR as it was.
"""

import os
import re
import shutil
import sys
import tempfile
from collections import deque
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from commentariat.core.archive_mode import ARCHIVE_ENVIRON_KEY
from commentariat.discussion.models import Comment
from commentariat.publishing.models import OldAddress, Post

from .exceptions import StaticExportRefused
from .report import ImportReport
from .static_links import links_in_css, links_in_html

# Listing pages by path: /category/essays/page/2/ is /category/essays/?page=2 on the live site.
_LISTING_PAGE = re.compile(r"^(?P<base>/(?:.*/)?)page/(?P<number>[0-9]+)/$")
# Parts of the site that answer only a server (forms, staff, the API): never fetched.
# (A page cannot take these first segments: the URL conf lists pages last.)
_SERVER_ONLY = re.compile(
    r"^/(admin|moderation|editor|api|search|unlock|embed|embed\.js|notifications|healthz|comments/goto)(/|$)"
    r"|^/comments/[0-9]+/."
    r"|^/[0-9]+/[0-9]+/[^/]+/(comments|follow|print|pdf|email)/$"
)
_REDIRECTS = (301, 302, 303, 307, 308)
_COMMENT_PERMALINK = re.compile(r"^/comments/[0-9]+/$")


@dataclass
class StaticExportReport(ImportReport):
    """Counts by kind of file, and what was not written (with why)."""


class ExportProgress:
    """A line every `every` files, or a counter redrawn in place on a terminal."""

    def __init__(self, stream=sys.stderr, *, every: int = 100):
        self.stream, self.every, self.written = stream, every, 0
        self.on_terminal = hasattr(stream, "isatty") and stream.isatty()

    def wrote(self, path: str, waiting: int) -> None:
        self.written += 1
        if self.on_terminal:
            self.stream.write(f"\r{self.written:,} files written, {waiting:,} to go   ")
            self.stream.flush()
        elif self.written % self.every == 0:
            self.stream.write(f"{self.written:,} files written (last: {path}), {waiting:,} to go\n")

    def done(self) -> None:
        if self.on_terminal:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def export_static_site(*, directory: Path, force: bool = False,
                       progress: ExportProgress | None = None) -> StaticExportReport:  # fmt: skip
    """Write the public site into directory as static files.

    Raises StaticExportRefused when directory is not empty (unless force: its contents are then
    replaced), cannot be written, or a page failed to render; directory is then left unchanged.
    """
    directory = Path(directory).resolve()
    _check_target(directory, force=force)
    directory.parent.mkdir(parents=True, exist_ok=True)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.export-", dir=directory.parent))
    except OSError as error:
        raise StaticExportRefused(f"Cannot write beside {directory}: {error.strerror}.") from None
    try:
        work.chmod(0o755)  # mkdtemp's 0700 would keep the web server out once it is DIR
        report = _Exporter(work, progress or ExportProgress(every=100)).run()
        _put_in_place(work, directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _check_target(directory: Path, *, force: bool) -> None:
    if directory.exists() and not directory.is_dir():
        raise StaticExportRefused(f"{directory} is a file, not a directory.")
    if not directory.exists() or not any(directory.iterdir()):
        return
    if not force:
        raise StaticExportRefused(
            f"{directory} is not empty. Give an empty or new directory, or --force to replace its contents."
        )
    # --force empties the directory: never one holding the site's own data or the working directory.
    protected = (Path(settings.DATA_DIR).resolve(), Path.cwd().resolve(), Path.home().resolve())
    if any(place == directory or place.is_relative_to(directory) for place in protected):
        raise StaticExportRefused(
            f"{directory} holds the site's data or the current directory: not replacing it."
        )


def _put_in_place(work: Path, directory: Path) -> None:
    """Replace directory's contents with work's (entry by entry, so a mount point works too)."""
    if not directory.exists():
        os.replace(work, directory)
        return
    for entry in directory.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for entry in work.iterdir():
        shutil.move(str(entry), directory / entry.name)


class _Exporter:
    def __init__(self, root: Path, progress: ExportProgress):
        self.root, self.progress = root, progress
        self.report = StaticExportReport()
        site = urlsplit(settings.COMMENTARIAT["SITE_URL"])
        self.origin = f"{site.scheme}://{site.netloc}"
        self.host, self.secure = site.netloc, site.scheme == "https"
        self.queue: deque[tuple[str, str]] = deque()
        self.seen: set[str] = set()
        self.failures: list[str] = []

    def run(self) -> StaticExportReport:
        overrides = {
            # The whole thread on its post's page (a file cannot answer ?cpage=2), and never the
            # page cache: an archive page must not be served to readers, nor theirs written here.
            "COMMENTARIAT": {**settings.COMMENTARIAT, "PAGE_CACHE": False, "COMMENTS_PER_PAGE": 10**9},
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, self.host.split(":")[0]],
        }
        with override_settings(**overrides):
            self.client = Client(raise_request_exception=False)
            for path in _seed_paths():
                self._enqueue(path, "")
            if protected := Post.objects.published().on_this_site().exclude(password="").count():
                self.report.count("protected posts (title and excerpt only)", protected)
            while self.queue:
                path, referrer = self.queue.popleft()
                self._export(path, referrer)
            self._write_comment_permalinks()
        self.progress.done()
        if self.failures:
            shown = "; ".join(self.failures[:10])
            raise StaticExportRefused(
                f"{len(self.failures)} page(s) failed to render ({shown}). Nothing was written."
            )
        return self.report

    def _enqueue(self, path: str, referrer: str) -> None:
        if path not in self.seen:
            self.seen.add(path)
            self.queue.append((path, referrer))

    def _export(self, path: str, referrer: str) -> None:
        where = f"{path} (linked from {referrer or 'the start'})"
        if "?" in path:
            self.report.skip(where, "a link with a query string: a static file cannot answer it")
            return
        if _SERVER_ONLY.search(path):
            self.report.skip(where, "a part of the site that needs the server")
            return
        if _COMMENT_PERMALINK.match(path):
            return  # written for every public comment at the end (_write_comment_permalinks)
        if path.startswith(settings.STATIC_URL):
            if not self._store_static_file(path):
                self.report.skip(where, "no such static file")
            return
        listing = _LISTING_PAGE.match(path)
        source = f"{listing['base']}?page={listing['number']}" if listing else path
        response = self.client.get(
            source, HTTP_HOST=self.host, secure=self.secure, **{ARCHIVE_ENVIRON_KEY: True}
        )
        # Not response.close(): the client has closed it, and a second close would close the
        # database connection (request_finished), which inside a transaction breaks it.
        self._store(path, where, response)

    def _store(self, path: str, where: str, response) -> None:
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{path}: {status}")
        elif status in _REDIRECTS:
            self._store_redirect(path, where, response["Location"])
        elif status != 200:
            self.report.skip(where, f"the site answers {status}")
        else:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            self._write_response(path, where, body, response.get("Content-Type", ""))

    def _write_response(self, path: str, where: str, body: bytes, content_type: str) -> None:
        is_html = content_type.startswith("text/html")
        if is_html or not path.endswith("/"):
            written = self._write(path, body, where=where)
        else:  # a feed: index.xml for servers told to look for it, index.html for the others
            written = self._write(path, body, where=where, index="index.xml")
            written = written and self._write(path, body, where=where, count=False)
        if not written:
            return
        self.report.count(_kind_of(path, content_type))
        if is_html:
            for link in links_in_html(body.decode(_charset(content_type), "replace")):
                self._follow(link, path)
        elif content_type.startswith("text/css"):
            for link in links_in_css(body.decode(_charset(content_type), "replace")):
                self._follow(link, path)

    def _store_static_file(self, path: str) -> bool:
        """A static file as collected (hashed names included), else from the apps' folders."""
        name = unquote(path[len(settings.STATIC_URL) :])
        collected = (Path(settings.STATIC_ROOT) / name).resolve()
        if collected.is_relative_to(Path(settings.STATIC_ROOT).resolve()) and collected.is_file():
            found = str(collected)
        else:
            found = finders.find(name)
        if not found:
            return False
        body = Path(found).read_bytes()
        content_type = "text/css" if path.endswith(".css") else "application/octet-stream"
        self._write_response(path, path, body, content_type)
        return True

    def _store_redirect(self, path: str, where: str, location: str) -> None:
        target = self._internal(location, path)
        if target is None or not path.endswith("/"):
            self.report.skip(where, f"a redirect to {location}, which a static file cannot make")
            return
        if self._write(path, redirect_page(target, self.origin), where=where):
            self.report.count("redirect pages (old addresses)")
            self._enqueue(target.split("#")[0], path)

    def _follow(self, link: str, page_path: str) -> None:
        target = self._internal(link, page_path)
        if target is not None:
            target = target.split("#")[0]
            if target:
                self._enqueue(target, page_path)

    def _internal(self, link: str, page_path: str) -> str | None:
        """The path (and query) of a link to this site, resolved as a browser would; None if external."""
        link = link.strip()
        if not link or link.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
            return None
        url = urlsplit(urljoin(self.origin + page_path, link))
        if url.scheme not in ("http", "https") or url.netloc != self.host:
            return None
        target = unquote(url.path) + (f"?{url.query}" if url.query else "")
        return target + (f"#{url.fragment}" if url.fragment else "")

    def _write(
        self, path: str, body: bytes, *, where: str, index: str = "index.html", count: bool = True
    ) -> bool:
        relative = unquote(path).lstrip("/") + (index if path.endswith("/") else "")
        target = (self.root / relative).resolve()
        if "\x00" in relative or not target.is_relative_to(self.root) or target == self.root:
            self.report.skip(where, "an address that is no file name")
            return False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        except OSError as error:
            self.report.skip(where, f"cannot be written ({error.strerror}): another address takes its place")
            return False
        if count:
            self.progress.wrote(path, len(self.queue))
        return True

    def _write_comment_permalinks(self) -> None:
        """/comments/<id>/ of every public comment: a page that goes to it in its post's thread
        (the live site's permalink answers a redirect there; feeds and picks link to them)."""
        post_urls: dict[int, str] = {}
        comments = (
            Comment.objects.public().exclude(number="").exclude(post__kind=Post.Kind.EMBEDDED)
            .select_related("post").only("id", "number", "post").order_by("pk")
        )  # fmt: skip
        for comment in comments.iterator(chunk_size=2000):
            if comment.post_id not in post_urls:
                post_urls[comment.post_id] = comment.post.get_absolute_url()
            path = f"/comments/{comment.pk}/"
            target = f"{post_urls[comment.post_id]}#{comment.anchor}"
            if self._write(
                path, redirect_page(target, self.origin, title=f"Comment {comment.number}"), where=path
            ):
                self.report.count("comment permalinks")


def _seed_paths():
    """Where the crawl starts: everything public, whether or not a page links to it."""
    yield "/"
    yield from (
        "/feed/",
        "/feed/atom/",
        "/comments/feed/",
        "/comments/feed/atom/",
        "/sitemap.xml",
        "/robots.txt",
    )
    published = (
        Post.objects.published().on_this_site().select_related("author").order_by("published_at", "pk")
    )
    articles = published.filter(kind=Post.Kind.POST)
    for post in published:
        yield post.get_absolute_url()
        if post.kind == Post.Kind.POST and post.is_public():
            yield from (f"{post.get_absolute_url()}feed/", f"{post.get_absolute_url()}feed/atom/")
    months = {
        timezone.localtime(moment).strftime("/%Y/%m/")
        for moment in articles.values_list("published_at", flat=True)
    }
    lists = [f"/category/{slug}/" for slug in articles.values_list("categories__slug", flat=True) if slug]
    lists += [f"/tag/{slug}/" for slug in articles.values_list("tags__slug", flat=True) if slug]
    lists += [f"/author/{name}/" for name in articles.values_list("author__username", flat=True)]
    yield from sorted(months)
    for listing in dict.fromkeys(lists):
        yield from (listing, f"{listing}feed/", f"{listing}feed/atom/")
    # Old addresses a file can stand at (not "/?p=123"): the live site's 301 becomes a redirect page.
    old = OldAddress.objects.filter(post__in=published).values_list("address", flat=True).order_by("address")
    yield from (
        address for address in old if address.startswith("/") and address.endswith("/") and "?" not in address
    )


def redirect_page(target: str, origin: str, *, title: str = "Moved") -> bytes:
    """A page that sends the browser to target (a file cannot answer a 301)."""
    target, title = escape(target), escape(title)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{escape(origin)}{target}"><meta http-equiv="refresh" content="0; url={target}">'
        f'<meta name="robots" content="noindex"></head>'
        f'<body><p><a href="{target}">{title}: follow this link</a></p></body></html>\n'
    ).encode()


def _kind_of(path: str, content_type: str) -> str:
    if path.startswith(settings.STATIC_URL) or path.startswith(settings.MEDIA_URL):
        return "static files and images"
    if content_type.startswith("text/html"):
        return "pages"
    return "feeds, sitemap and robots.txt"


def _charset(content_type: str) -> str:
    found = re.search(r"charset=([\w-]+)", content_type)
    return found.group(1) if found else "utf-8"
