from django.contrib.sitemaps import Sitemap

from .models import Post


class PostSitemap(Sitemap):
    """Every post and page open to the public; drafts, scheduled and password-protected posts never appear."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Post.objects.public()
            .on_this_site()
            .only("slug", "kind", "published_at", "created_at", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, post):
        return post.updated_at
