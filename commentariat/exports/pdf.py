"""A post as a PDF, made by WeasyPrint from the print document and cached until the post or
its comments change (the page cache's version of the post moves on every such change)."""

import threading
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache

from commentariat.core.page_cache import scope_version
from commentariat.publishing.images import image_dir
from commentariat.publishing.models import Post

from .printing import print_document

PDF_CACHE_SECONDS = 7 * 86400


def post_pdf(post: Post, *, with_comments: bool, url: str) -> bytes:
    key = f"pdf:{post.pk}:{int(with_comments)}:{scope_version(f'post:{post.pk}')}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(
            print_document(post, with_comments=with_comments, url=url, for_pdf=True), base_url=url
        )
        cache.set(key, pdf, timeout=PDF_CACHE_SECONDS)
    return pdf


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    tools = _weasyprint()
    return tools.HTML(string=html, base_url=base_url, url_fetcher=tools.fetcher).write_pdf(
        stylesheets=[tools.stylesheet], font_config=tools.font_config
    )


_per_thread = threading.local()


def _weasyprint():
    """WeasyPrint's objects that are costly to build (the parsed stylesheet, the font
    configuration: ~0.2 s), made once per thread and reused."""
    tools = getattr(_per_thread, "tools", None)
    if tools is None:
        # Imported here: WeasyPrint loads Pango and friends, which only PDF requests need.
        from weasyprint import CSS, HTML, URLFetcher
        from weasyprint.text.fonts import FontConfiguration

        class LocalImagesOnly(URLFetcher):
            """Images uploaded to this site are read from the data dir; nothing is fetched from
            the network (other sites' images are left out): a PDF must not wait on, or tell, a
            third party."""

            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                path = urlsplit(url).path
                prefix = f"{settings.MEDIA_URL}images/"
                if path.startswith(prefix) and "/" not in path[len(prefix) :]:
                    local = image_dir() / path[len(prefix) :]
                    if local.is_file():
                        return super().fetch(local.as_uri(), headers)
                raise ValueError(f"Not fetched for a PDF: {url}")

        fetcher = LocalImagesOnly(allowed_protocols={"data", "file"})
        font_config = FontConfiguration()
        stylesheet = CSS(
            filename=finders.find("exports/print-view.css"), url_fetcher=fetcher, font_config=font_config
        )
        tools = SimpleNamespace(HTML=HTML, fetcher=fetcher, font_config=font_config, stylesheet=stylesheet)
        _per_thread.tools = tools
    return tools
