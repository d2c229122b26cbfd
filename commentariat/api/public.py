"""What anyone may read, and comment submission."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from commentariat.discussion.threads import PageOutOfRange, thread_page
from commentariat.publishing.models import Post

from .common import INVALID_MESSAGE, error_body, field_errors, submit, submitted, thread_json
from .schemas import (
    CommentIn,
    ErrorOut,
    PostDetailOut,
    PostPage,
    SubmittedOut,
    ThreadOut,
)

router = Router(tags=["posts"])
PER_PAGE = 20


def _published(pk: int) -> Post:
    return get_object_or_404(Post.objects.public().on_this_site().select_related("author"), pk=pk)


def _post_out(post: Post, request, *, detail: bool = False) -> dict:
    data = {
        "id": post.pk, "title": post.title, "slug": post.slug,
        "url": request.build_absolute_uri(post.get_absolute_url()), "excerpt": post.summary,
        "author_name": post.author_display_name, "published_at": post.published_at,
        "comment_count": post.comment_count, "comments_open": post.comments_open,
        "categories": [c.name for c in post.categories.all()], "tags": [t.name for t in post.tags.all()],
    }  # fmt: skip
    if detail:
        data["body_html"] = post.body_html
    return data


@router.get("/posts", response=PostPage, summary="Published posts, newest first")
def list_posts(request, page: int = Query(1, ge=1, le=100_000)):
    posts = Post.objects.public().articles().select_related("author").prefetch_related("categories", "tags")
    count = posts.count()
    pages = max(1, -(-count // PER_PAGE))
    chosen = posts[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {"items": [_post_out(p, request) for p in chosen], "page": page, "pages": pages, "count": count}


@router.get("/posts/{post_id}", response={200: PostDetailOut, 404: ErrorOut}, summary="One published post")
def get_post(request, post_id: int):
    return _post_out(_published(post_id), request, detail=True)


@router.get(
    "/posts/{post_id}/comments",
    response={200: ThreadOut, 404: ErrorOut},
    summary="A page of the post's thread: nested, numbered, approved comments only",
)
def get_thread(request, post_id: int, page: int = Query(1, ge=1, le=100_000)):
    post = _published(post_id)
    try:
        thread = thread_page(post, page)
    except PageOutOfRange:
        return Status(404, error_body("not_found", "No such page of comments."))
    return {
        "post_id": post.pk, "comment_count": post.comment_count, "moderation_note": post.moderation_note,
        "page": thread.number,
        "pages": thread.num_pages, "comments": [thread_json(node, request) for node in thread.nodes],
    }  # fmt: skip


@router.post(
    "/posts/{post_id}/comments",
    response={
        201: SubmittedOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },  # fmt: skip
    summary="Submit a comment: the same rules, limits and messages as the form",
)
def create_comment(request, post_id: int, payload: CommentIn):
    post = _published(post_id)
    try:
        comment = submit(request, post, **payload.dict())
    except ValidationError as invalid:
        return Status(422, error_body("invalid", INVALID_MESSAGE, field_errors(invalid)))
    # A refusal (CommentRefused) becomes its error answer in api/site.py.
    return Status(201, {**submitted(comment), "url": request.build_absolute_uri(comment.get_absolute_url())})
