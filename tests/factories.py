"""Small builders for tests: real rows, made through the same services the site uses."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from commentariat.discussion.models import Comment
from commentariat.discussion.services import submit_comment
from commentariat.publishing.models import Post

_serial = count(1)


def make_post(
    *,
    author=None,
    title=None,
    body="A paragraph of analysis.",
    status=Post.Status.PUBLISHED,
    published_at=None,
    comments_open=True,
    **fields,
) -> Post:
    n = next(_serial)
    if author is None:
        author, _ = get_user_model().objects.get_or_create(username="factory-author")
    if published_at is None and status == Post.Status.PUBLISHED:
        published_at = timezone.now() - timedelta(days=1, minutes=n)
    return Post.objects.create(
        title=title or f"Post number {n}",
        slug=fields.pop("slug", f"post-number-{n}"),
        author=author,
        body=body,
        status=status,
        published_at=published_at,
        comments_open=comments_open,
        **fields,
    )


def make_comment(
    post: Post, *, parent: Comment | None = None, body=None, name="Reader", email=None, url=""
) -> Comment:
    n = next(_serial)
    return submit_comment(
        post=post,
        parent=parent,
        author_name=name,
        author_email=email or f"reader{n}@example.org",
        author_url=url,
        body=body or f"Comment text {n}",
    )


def comment_form(**fields) -> dict:
    """What a reader's browser sends from the comment form, signed start time included."""
    from commentariat.discussion.forms import form_started_token

    data = {
        "author_name": "Ada Reader",
        "author_email": "ada@example.org",
        "author_url": "",
        "body": "A thoughtful reply.",
        "started": form_started_token(),
    }
    data.update(fields)
    return data


def clear_of_minute_boundary(margin: float = 20.0) -> None:
    """Flood limits count per clock minute (core/rate_limit.py): a test that counts a burst waits,
    if need be, so that the burst cannot straddle two minutes."""
    import time

    into = time.time() % 60
    if into > 60 - margin:
        time.sleep(60 - into + 0.1)
