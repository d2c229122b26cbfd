"""Reading posts the way readers may see them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Post


def get_published_post_or_404(*, year: int, month: int, slug: str) -> Post:
    """The published post at /YYYY/MM/slug/, or Http404 (drafts and future posts included)."""
    post = get_object_or_404(Post.objects.published().select_related("author"), slug=slug)
    moment = timezone.localtime(post.published_at)
    if (moment.year, moment.month) != (year, month):
        raise Http404("No post at this address.")
    return post
