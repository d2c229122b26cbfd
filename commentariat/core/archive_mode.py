"""Archive mode: the site rendered for `commentariat export-static`, with nothing that needs a server.

The static exporter renders every page through Django's test client with ARCHIVE_ENVIRON_KEY set
in the WSGI environ. That key is not an HTTP header (headers arrive as HTTP_*), so no request from
outside can turn archive mode on. Templates read `static_archive` (core.context_processors.site):
no comment, follow, search or password forms, no reply links, no scripts, pages by path.
"""

from django.http import HttpRequest

ARCHIVE_ENVIRON_KEY = "commentariat.static_archive"
ARCHIVED_NOTE = "Comments are closed: this is an archived copy of the discussion."


def is_static_archive(request: HttpRequest | None) -> bool:
    """Whether this request renders a page for the static export."""
    return request is not None and bool(request.META.get(ARCHIVE_ENVIRON_KEY))
