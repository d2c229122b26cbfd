from django.http import HttpResponse
from django.views.decorators.http import require_GET

from commentariat.publishing.selectors import get_published_post_or_404

from .pdf import post_pdf
from .printing import print_document


def _with_comments(request) -> bool:
    return request.GET.get("comments") in ("1", "yes", "on")


@require_GET
def print_view(request, year, month, slug):
    post = get_published_post_or_404(year=year, month=month, slug=slug)
    url = request.build_absolute_uri(post.get_absolute_url())
    return HttpResponse(print_document(post, with_comments=_with_comments(request), url=url))


@require_GET
def pdf_view(request, year, month, slug):
    post = get_published_post_or_404(year=year, month=month, slug=slug)
    url = request.build_absolute_uri(post.get_absolute_url())
    pdf = post_pdf(post, with_comments=_with_comments(request), url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{post.slug}.pdf"'
    return response
