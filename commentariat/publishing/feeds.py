"""RSS 2.0 and Atom feeds of posts: the site's, and each category's, tag's and author's."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from commentariat.core.text import xml_safe

from .models import Category, Post, Tag

FEED_ITEMS = 20


class LatestPostsFeed(Feed):
    """The newest published posts, whole, as feed readers like them."""

    def title(self, obj=None):
        name = settings.COMMENTARIAT["SITE_NAME"]
        return f"{name}: {self.describe(obj)}" if obj is not None else name

    def description(self, obj=None):
        return settings.COMMENTARIAT["SITE_TAGLINE"]

    def link(self, obj=None):
        return self.page_url(obj)

    def page_url(self, obj) -> str:
        return reverse("publishing:post-list")

    def describe(self, obj) -> str:
        return ""

    def posts(self, obj):
        # Password-protected posts stay out of feeds: a feed reader cannot enter a password.
        return Post.objects.public().articles()

    def items(self, obj=None):
        return self.posts(obj).select_related("author").prefetch_related("categories", "tags")[:FEED_ITEMS]

    # xml_safe: a stored character XML cannot carry must not fail the whole feed.
    def item_title(self, post):
        return xml_safe(post.title)

    def item_description(self, post):
        return xml_safe(post.body_html)

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return xml_safe(post.author_display_name)

    def item_categories(self, post):
        return [xml_safe(c.name) for c in post.categories.all()] + [xml_safe(t.name) for t in post.tags.all()]


class CategoryFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def describe(self, category):
        return category.name

    def page_url(self, category):
        return reverse("publishing:category", kwargs={"slug": category.slug})

    def posts(self, category):
        return super().posts(None).filter(categories=category)


class TagFeed(CategoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def page_url(self, tag):
        return reverse("publishing:tag", kwargs={"slug": tag.slug})

    def posts(self, tag):
        return LatestPostsFeed.posts(self, None).filter(tags=tag)


class AuthorFeed(LatestPostsFeed):
    def get_object(self, request, username):
        author = get_object_or_404(get_user_model(), username=username)
        if not Post.objects.public().articles().filter(author=author).exists():
            raise Http404("No posts by this author.")
        return author

    def describe(self, author):
        return author.get_full_name() or author.get_username()

    def page_url(self, author):
        return reverse("publishing:author", kwargs={"username": author.get_username()})

    def posts(self, author):
        return super().posts(None).filter(author=author)


def atom(feed_class):
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )
