"""Feeds of approved comments: the whole site's and each post's. Names only, never emails."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from commentariat.core.text import xml_safe
from commentariat.publishing.selectors import get_public_post_or_404

from .models import Comment

FEED_ITEMS = 30


class LatestCommentsFeed(Feed):
    def title(self, post=None):
        name = settings.COMMENTARIAT["SITE_NAME"]
        return xml_safe(f"Comments on “{post.title}” · {name}" if post else f"Comments · {name}")

    def description(self, post=None):
        return "The newest comments readers can see."

    def link(self, post=None):
        return f"{post.get_absolute_url()}#comments" if post else "/"

    def items(self, post=None):
        comments = Comment.objects.public().exclude(number="")
        if post is not None:
            comments = comments.filter(post=post)
        return comments.select_related("post").order_by("-published_at", "-pk")[:FEED_ITEMS]

    # Every text goes through xml_safe: rows stored before the input cleaning may hold characters
    # XML cannot carry, and one of them would fail the whole feed.
    def item_title(self, comment):
        pick = "Editors' pick: " if comment.picked_at else ""
        return xml_safe(f"{pick}{comment.author_name} on “{comment.post.title}” (#{comment.number})")

    def item_categories(self, comment):
        return ["Editors' pick"] if comment.picked_at else []

    def item_description(self, comment):
        return xml_safe(comment.body_html)

    def item_link(self, comment):
        return comment.get_permalink()

    def item_pubdate(self, comment):
        return comment.published_at or comment.created_at

    def item_author_name(self, comment):
        return xml_safe(comment.author_name)


class PostCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, year, month, slug):
        return get_public_post_or_404(year=year, month=month, slug=slug)


class AtomLatestCommentsFeed(LatestCommentsFeed):
    feed_type = Atom1Feed
    subtitle = LatestCommentsFeed.description


class AtomPostCommentsFeed(PostCommentsFeed):
    feed_type = Atom1Feed
    subtitle = PostCommentsFeed.description
