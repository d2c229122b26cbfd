"""Quote in a new post: a reader's comment opens a writer's draft."""

from django.db import transaction
from django.utils.text import slugify

from commentariat.core.markup import html_to_text
from commentariat.publishing.models import Post

from ..exceptions import InvalidParent
from ..models import Comment


def quote_in_new_post(*, comment: Comment, user) -> Post:
    """A draft that opens with the comment as a block quote, attributed by name and linked to
    the comment's number; the comment shows "quoted in …" once the draft is published."""
    if not comment.is_public:
        raise InvalidParent()
    if comment.body_format == Comment.BodyFormat.MARKDOWN:
        text = comment.body
    else:
        text = html_to_text(comment.body_html)
    quoted = "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())
    attribution = f"> — {comment.author_name}, [comment {comment.number}]({comment.get_permalink()})"
    title = f"On {comment.author_name}'s comment"[:200]
    with transaction.atomic():
        post = Post.objects.create(
            title=title,
            slug=_free_slug(slugify(title)[:180] or "quoted-comment"),
            author=user,
            body=f"{quoted}\n>\n{attribution}\n\n",
            status=Post.Status.DRAFT,
        )
        comment.quoted_in.add(post)
    return post


def _free_slug(base: str) -> str:
    slug, n = base, 2
    while Post.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
