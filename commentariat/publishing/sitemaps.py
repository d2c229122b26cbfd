from django.contrib.sitemaps import Sitemap

from .models import Post


class PostSitemap(Sitemap):
    """Every published post and page; drafts and scheduled posts never appear."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Post.objects.published()
            .on_this_site()
            .only("slug", "kind", "published_at", "created_at", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, post):
        return post.updated_at
