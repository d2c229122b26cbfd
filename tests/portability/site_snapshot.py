"""Everything a site holds that an export must carry, in a form two sites can be compared by."""

from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from commentariat.discussion.models import Comment, Subscription
from commentariat.moderation.models import CommenterNote, ModerationAction, ModerationPolicy, Sanction
from commentariat.portability.models import ImportedItem
from commentariat.publishing.models import Category, OldAddress, Post, Tag


def _seconds(moment):
    """WXR dates carry whole seconds."""
    return moment.replace(microsecond=0) if moment else None


def _login(user):
    return user.username if user else None


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
            post.comment_mode, post.moderation_note, post.password,
        )
        for post in Post.objects.select_related("author")
    }  # fmt: skip
    comments = sorted(
        (
            comment_keys[c.pk], comment_keys.get(c.parent_id), c.kind, c.status, c.number, c.depth,
            c.sort_key, c.author_name, c.author_email, c.author_url, c.ip_address, c.body,
            c.body_format, c.body_html, c.user.username if c.user else None,
            c.decided_status, _login(c.decided_by), c.decided_at,
        )
        for c in Comment.objects.select_related("user", "decided_by")
    )  # fmt: skip
    categories = sorted(
        (c.slug, c.name, c.description, c.parent.slug if c.parent else "")
        for c in Category.objects.select_related("parent")
    )
    tags = sorted(Tag.objects.values_list("slug", "name"))
    return {
        "posts": posts,
        "comments": comments,
        "categories": categories,
        "tags": tags,
        **_around_the_posts(comment_keys),
    }


def _around_the_posts(comment_keys: dict) -> dict:
    """What the commentariat: extension of the export carries."""
    policy = ModerationPolicy.objects.filter(pk=1).first()
    User = get_user_model()
    return {
        "roles": sorted(
            (user.username, sorted(user.groups.values_list("name", flat=True))) for user in User.objects.all()
        ),
        "old_addresses": sorted(OldAddress.objects.values_list("address", "post__slug")),
        "picks": sorted(
            (comment_keys[c.pk], c.picked_at, _login(c.picked_by))
            for c in Comment.objects.filter(picked_at__isnull=False).select_related("picked_by")
        ),
        "quotes": sorted(
            (comment_keys[row.comment_id], row.post.slug)
            for row in Comment.quoted_in.through.objects.select_related("post")
        ),
        "subscriptions": sorted(
            (s.email, s.kind, s.post.slug, comment_keys.get(s.comment_id), s.created_at, s.confirmed_at)
            for s in Subscription.objects.select_related("post")
        ),
        "sanctions": sorted(
            (
                s.kind,
                s.email,
                s.ip_network,
                s.name,
                s.reason,
                str(s.expires_at),
                s.created_at,
                str(s.revoked_at),
                _login(s.created_by),
            )
            for s in Sanction.objects.select_related("created_by")
        ),  # fmt: skip
        "notes": sorted(
            (n.email, n.body, n.created_at, _login(n.author))
            for n in CommenterNote.objects.select_related("author")
        ),
        "policy": sorted(model_to_dict(policy, exclude=["id"]).items()) if policy else None,
    }


def empty_the_site(django_user_model) -> None:
    Comment.objects.update(parent=None)
    Comment.objects.all().delete()
    OldAddress.objects.all().delete()
    Post.objects.all().delete()
    ImportedItem.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    for model in (Sanction, CommenterNote, ModerationAction, ModerationPolicy):
        model.objects.all().delete()
    django_user_model.objects.all().delete()
    assert not any(site_snapshot().values())
