"""Reading posts the way readers may see them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import visibility
from .models import Post


def get_published_post_or_404(*, year: int, month: int, slug: str) -> Post:
    """The published post at /YYYY/MM/slug/, or Http404 (drafts and future posts included)."""
    post = get_object_or_404(Post.objects.published().articles().select_related("author"), slug=slug)
    moment = timezone.localtime(post.published_at)
    if (moment.year, moment.month) != (year, month):
        raise Http404("No post at this address.")
    return post


def get_public_post_or_404(*, year: int, month: int, slug: str) -> Post:
    """The post at /YYYY/MM/slug/ if anyone may read it (no password), or Http404: feeds."""
    post = get_published_post_or_404(year=year, month=month, slug=slug)
    if post.password:
        raise Http404("No post at this address.")
    return post


def get_readable_post_or_404(request, *, year: int, month: int, slug: str) -> Post:
    """The post at /YYYY/MM/slug/ if this reader may read it (its password entered), or Http404:
    print, PDF, email."""
    post = get_published_post_or_404(year=year, month=month, slug=slug)
    if not visibility.may_read(request, post):
        raise Http404("No post at this address.")
    return post


def get_published_page_or_404(*, slug: str) -> Post:
    """The published page at /slug/ (an "about" page, say), or Http404."""
    return get_object_or_404(
        Post.objects.published().filter(kind=Post.Kind.PAGE).select_related("author"), slug=slug
    )


def seconds_until_next_publication() -> float | None:
    """How long until the next scheduled post's time comes, or None when none is waiting."""
    now = timezone.now()
    upcoming = (
        Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return (upcoming - now).total_seconds() if upcoming else None
