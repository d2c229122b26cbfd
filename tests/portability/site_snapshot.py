"""Everything a site holds that an export must carry, in a form two sites can be compared by."""

from commentariat.discussion.models import Comment
from commentariat.portability.models import ImportedItem
from commentariat.publishing.models import Category, OldAddress, Post, Tag


def _seconds(moment):
    """WXR dates carry whole seconds."""
    return moment.replace(microsecond=0) if moment else None


def site_snapshot() -> dict:
    comment_keys = {
        c.pk: (c.post.slug, _seconds(c.created_at).isoformat(), c.author_name)
        for c in Comment.objects.select_related("post")
    }
    posts = {
        post.slug: (
            post.kind, post.title, post.status, _seconds(post.published_at), post.body, post.body_format,
            post.body_html, post.excerpt, post.comments_open, post.comment_count,
            post.author.username, post.author.get_full_name(), post.author.email,
            sorted(post.categories.values_list("slug", flat=True)),
            sorted(post.tags.values_list("slug", flat=True)),
        )
        for post in Post.objects.select_related("author")
    }  # fmt: skip
    comments = sorted(
        (
            comment_keys[c.pk], comment_keys.get(c.parent_id), c.kind, c.status, c.number, c.depth,
            c.sort_key, c.author_name, c.author_email, c.author_url, c.ip_address, c.body,
            c.body_format, c.body_html, c.user.username if c.user else None,
        )
        for c in Comment.objects.select_related("user")
    )  # fmt: skip
    categories = sorted(
        (c.slug, c.name, c.description, c.parent.slug if c.parent else "")
        for c in Category.objects.select_related("parent")
    )
    tags = sorted(Tag.objects.values_list("slug", "name"))
    return {"posts": posts, "comments": comments, "categories": categories, "tags": tags}


def empty_the_site(django_user_model) -> None:
    Comment.objects.update(parent=None)
    Comment.objects.all().delete()
    OldAddress.objects.all().delete()
    Post.objects.all().delete()
    ImportedItem.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    django_user_model.objects.all().delete()
    assert site_snapshot() == {"posts": {}, "comments": [], "categories": [], "tags": []}
