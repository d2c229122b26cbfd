"""A post as a PDF, made by WeasyPrint from the print document and cached until the post or
its comments change (the page cache's version of the post moves on every such change)."""

from django.contrib.staticfiles import finders
from django.core.cache import cache

from commentariat.core.page_cache import scope_version
from commentariat.publishing.models import Post

from .printing import print_document

PDF_CACHE_SECONDS = 7 * 86400


def post_pdf(post: Post, *, with_comments: bool, url: str) -> bytes:
    key = f"pdf:{post.pk}:{int(with_comments)}:{scope_version(f'post:{post.pk}')}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(print_document(post, with_comments=with_comments, url=url, for_pdf=True))
        cache.set(key, pdf, timeout=PDF_CACHE_SECONDS)
    return pdf


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango and friends, which only PDF requests need.
    from weasyprint import CSS, HTML, URLFetcher

    # Nothing is fetched from the network (images from other sites are left out): a PDF must
    # not wait on, or tell, a third party.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(filename=finders.find("exports/print-view.css"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
