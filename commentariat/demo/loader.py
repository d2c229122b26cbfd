"""Load the demo site: a few posts and a lively discussion. Running it twice changes nothing."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from commentariat.discussion.models import Comment
from commentariat.discussion.services import approve_comment, refresh_comment_count, submit_comment
from commentariat.publishing.models import Post

from . import content


@transaction.atomic
def load_demo_site() -> int:
    """Create the demo posts that do not exist yet; returns how many were created."""
    author = _demo_author()
    specs = [{**content.LIBRARY_LEVY_POST, "comments": content.LIBRARY_LEVY_COMMENTS}, *content.SHORT_POSTS]
    created = 0
    for spec in specs:
        if Post.objects.filter(slug=spec["slug"]).exists():
            continue
        _create_post(spec, author)
        created += 1
    return created


def _demo_author():
    user_model = get_user_model()
    author, made = user_model.objects.get_or_create(
        username=content.AUTHOR["username"],
        defaults={
            "first_name": content.AUTHOR["first_name"],
            "last_name": content.AUTHOR["last_name"],
            "is_staff": True,
        },
    )
    if made:
        author.set_unusable_password()
        author.save(update_fields=["password"])
    return author


def _create_post(spec: dict, author) -> Post:
    published_at = datetime.fromisoformat(spec["published_at"])
    post = Post.objects.create(
        title=spec["title"],
        slug=spec["slug"],
        author=author,
        body=spec["body"],
        excerpt=spec.get("excerpt", ""),
        status=Post.Status.PUBLISHED,
        published_at=published_at,
    )
    by_key: dict[str, Comment] = {}
    for key, parent_key, name, email, url, minutes, text in spec.get("comments", []):
        comment = submit_comment(
            post=post,
            parent=by_key.get(parent_key),
            author_name=name,
            author_email=email,
            author_url=url,
            body=text,
        )
        if comment.status != Comment.Status.APPROVED:  # the demo's discussion is history, already moderated
            approve_comment(comment=comment)
        moment = published_at + timedelta(minutes=minutes)
        Comment.objects.filter(pk=comment.pk).update(created_at=moment, published_at=moment)
        by_key[key] = comment
    if not spec.get("comments_open", True):
        post.comments_open = False
        post.save(update_fields=["comments_open", "updated_at"])
    refresh_comment_count(post.pk)
    return post
