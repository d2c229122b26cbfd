from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic.dates import MonthArchiveView

from commentariat.core.csrf import csrf_by_origin
from commentariat.core.net import client_ip
from commentariat.core.page_cache import cache_page_as
from commentariat.core.rate_limit import limit_reached, over_limit

from . import visibility
from .models import Category, Post, Tag

PASSWORD_TRIES_PER_HOUR = 30


def post_list(request):
    cache_page_as(request, "lists")
    # Sticky posts first, as WordPress shows them; the rest newest first.
    posts = (
        Post.objects.published()
        .articles()
        .select_related("author")
        .order_by("-is_sticky", "-published_at", "-pk")
    )
    paginator = Paginator(posts, settings.COMMENTARIAT["POSTS_PER_PAGE"])
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "publishing/post_list.html", {"page_obj": page, "posts": page.object_list})


def category_posts(request, slug):
    category = get_object_or_404(Category, slug=slug)
    posts = Post.objects.published().articles().filter(categories=category)
    return _listing(request, posts, heading=category.name, kind="Category", about=category.description,
                    feed=reverse("publishing:category-feed", kwargs={"slug": slug}))  # fmt: skip


def tag_posts(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    posts = Post.objects.published().articles().filter(tags=tag)
    return _listing(request, posts, heading=tag.name, kind="Tag",
                    feed=reverse("publishing:tag-feed", kwargs={"slug": slug}))  # fmt: skip


def author_posts(request, username):
    author = get_object_or_404(get_user_model(), username=username)
    posts = Post.objects.published().articles().filter(author=author)
    if not posts.exists():
        raise Http404("No posts by this author.")
    return _listing(request, posts, heading=author.get_full_name() or author.get_username(), kind="Author",
                    feed=reverse("publishing:author-feed", kwargs={"username": username}))  # fmt: skip


def _listing(request, posts, *, heading: str, kind: str, feed: str, about: str = ""):
    """A paginated list of posts under a heading: a category's, a tag's, an author's."""
    cache_page_as(request, "lists")
    paginator = Paginator(posts.select_related("author"), settings.COMMENTARIAT["POSTS_PER_PAGE"])
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page_obj": page, "posts": page.object_list, "heading": heading, "kind": kind,
        "about": about, "feed_url": feed,
    }  # fmt: skip
    return render(request, "publishing/post_listing.html", context)


class PostMonthArchiveView(MonthArchiveView):
    date_field = "published_at"
    month_format = "%m"
    allow_empty = False
    template_name = "publishing/post_archive_month.html"
    context_object_name = "posts"
    paginate_by = settings.COMMENTARIAT["POSTS_PER_PAGE"]

    def get(self, request, *args, **kwargs):
        cache_page_as(request, "lists")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # Evaluated per request: published() depends on the current time.
        return Post.objects.published().articles().select_related("author")


post_archive_month = PostMonthArchiveView.as_view()


@csrf_by_origin  # the form is on the shared page of a protected post (core/csrf.py)
@require_POST
def post_unlock(request, pk):
    """A reader gives a protected post's password; right, and the browser may read it."""
    post = get_object_or_404(Post.objects.published().exclude(password=""), pk=pk)
    key = f"post-password:{client_ip(request)}"
    if limit_reached(key, limit=PASSWORD_TRIES_PER_HOUR, window_seconds=3600):
        error = "Too many wrong tries. Please wait a while and try again."
        return render_locked_post(request, post, error=error, status=429)
    response = redirect(post.get_absolute_url())
    if not visibility.unlock(request, response, post, request.POST.get("post_password", "")):
        over_limit(key, limit=PASSWORD_TRIES_PER_HOUR, window_seconds=3600)  # only wrong tries count
        return render_locked_post(request, post, error="That is not the password of this post.", status=403)
    return response


def render_locked_post(request, post: Post, *, error: str = "", status: int = 200):
    """A password-protected post as readers without its password see it: title, excerpt, the form."""
    return render(request, "publishing/post_locked.html", {"post": post, "error": error}, status=status)
