from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from commentariat.publishing.models import Post

from .engine import search

PER_PAGE = 10


class _Counted:
    """What the paginator needs from a result set whose page the database already cut."""

    def __init__(self, total: int):
        self.total = total

    def count(self):
        return self.total

    def __getitem__(self, item):
        return []


@require_safe
def search_page(request):
    text = request.GET.get("q", "").strip()
    kind = "comments" if request.GET.get("in") == "comments" else "posts"
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    results = search(kind, text, page=page_number, per_page=PER_PAGE) if text else None
    page = None
    if results is not None and results.total:
        paginator = Paginator(_Counted(results.total), PER_PAGE)
        page = paginator.get_page(page_number)
        if page.number != page_number:  # past the end: show the last page's results
            results = search(kind, text, page=page.number, per_page=PER_PAGE)
    context = {"q": text, "kind": kind, "results": results, "page_obj": page}
    return render(request, "search/search.html", context)


@require_safe
def result(request, pk):
    """A found post or page, at its own address."""
    return redirect(get_object_or_404(Post.objects.public(), pk=pk))
