"""Reading posts the way readers may see them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Post


def get_published_post_or_404(*, year: int, month: int, slug: str) -> Post:
    """The published post at /YYYY/MM/slug/, or Http404 (drafts and future posts included)."""
    post = get_object_or_404(Post.objects.published().articles().select_related("author"), slug=slug)
    moment = timezone.localtime(post.published_at)
    if (moment.year, moment.month) != (year, month):
        raise Http404("No post at this address.")
    return post


def get_published_page_or_404(*, slug: str) -> Post:
    """The published page at /slug/ (an "about" page, say), or Http404."""
    return get_object_or_404(
        Post.objects.published().filter(kind=Post.Kind.PAGE).select_related("author"), slug=slug
    )
