"""Changes of a post's state: written in the editor, started as a draft quoting a comment, or
created as the thread under another site's page. Views, the API and other apps call these;
who may then see the post is publishing/visibility.py's answer."""

import hashlib

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from commentariat.core import text

from .models import Post, Tag

EMBED_AUTHOR = "embedded-threads"


@transaction.atomic
def save_post(*, post: Post, publish_at=None, tag_names: list[str] = (), categories=None) -> Post:
    """Store a writer's post. Published without a time: now (or the time it already had); a time
    in the future schedules it. A draft keeps the time chosen for it, if any."""
    if post.status == Post.Status.PUBLISHED:
        post.published_at = publish_at or post.published_at or timezone.now()
    else:
        post.published_at = publish_at
    post.save()
    if categories is not None:
        post.categories.set(categories)
    post.tags.set([_tag(name) for name in tag_names if slugify(name)])
    return post


def start_draft(*, title: str, body: str, author) -> Post:
    """A draft under a free address made from its title."""
    base = slugify(title)[:180] or "draft"
    with transaction.atomic():
        return Post.objects.create(
            title=title[:200], slug=_free_slug(base), author=author, body=body, status=Post.Status.DRAFT
        )


def embedded_thread_for(url: str, title: str) -> Post:
    """The thread under a page of another site, created by its first comment (published at once).
    Raises Post.DoesNotExist when that thread was taken down here."""
    url, title = text.clean_line(url), text.clean_line(title)
    found = Post.objects.filter(kind=Post.Kind.EMBEDDED, external_url=url).first()
    if found is not None:
        if not found.is_public():
            raise Post.DoesNotExist("This discussion is not available.")
        return found
    author, _ = get_user_model().objects.get_or_create(
        username=EMBED_AUTHOR, defaults={"first_name": "Embedded"}
    )
    # The slug is made from the address, and slugs are unique: one thread per page, even when two
    # first comments arrive at once.
    slug = f"embedded-{hashlib.sha256(url.encode()).hexdigest()[:24]}"
    try:
        with transaction.atomic():
            return Post.objects.create(
                kind=Post.Kind.EMBEDDED, external_url=url, title=title or url, body="", author=author,
                slug=slug, status=Post.Status.PUBLISHED, published_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        return Post.objects.get(slug=slug)


def _tag(name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(slug=slugify(name)[:200], defaults={"name": name})
    return tag


def _free_slug(base: str) -> str:
    slug, n = base, 2
    while Post.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
