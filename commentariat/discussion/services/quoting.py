"""Quote in a new post: a reader's comment opens a writer's draft."""

from django.db import transaction

from commentariat.core.markup import html_to_text
from commentariat.publishing.models import Post
from commentariat.publishing.services import start_draft

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
    with transaction.atomic():
        post = start_draft(title=f"On {comment.author_name}'s comment", body=f"{quoted}\n>\n{attribution}\n\n",
                           author=user)  # fmt: skip
        comment.quoted_in.add(post)
    return post
