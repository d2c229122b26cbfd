from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.generic.dates import MonthArchiveView

from commentariat.core.page_cache import cache_page_as

from .models import Post


def post_list(request):
    cache_page_as(request, "lists")
    posts = Post.objects.published().articles().select_related("author")
    paginator = Paginator(posts, settings.COMMENTARIAT["POSTS_PER_PAGE"])
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "publishing/post_list.html", {"page_obj": page, "posts": page.object_list})


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
