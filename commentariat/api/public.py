"""What anyone may read, and comment submission."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from commentariat.core.net import client_ip
from commentariat.discussion.models import Comment
from commentariat.discussion.services import submit_comment
from commentariat.discussion.threads import PageOutOfRange, ThreadNode, thread_page
from commentariat.publishing.models import Post

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
    return get_object_or_404(Post.objects.published().on_this_site().select_related("author"), pk=pk)


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
    posts = (
        Post.objects.published().articles().select_related("author").prefetch_related("categories", "tags")
    )
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
        return Status(
            404, {"error": {"code": "not_found", "message": "No such page of comments.", "fields": {}}}
        )
    return {
        "post_id": post.pk, "comment_count": post.comment_count, "page": thread.number,
        "pages": thread.num_pages, "comments": [_comment_out(node, request) for node in thread.nodes],
    }  # fmt: skip


def _comment_out(node: ThreadNode, request) -> dict:
    comment = node.comment
    removed = node.is_placeholder
    return {
        "id": comment.id, "number": comment.number, "parent_id": comment.parent_id, "removed": removed,
        "author_name": "" if removed else comment.author_name,
        "author_url": "" if removed or not comment.author_url.lower().startswith(("http://", "https://"))
        else comment.author_url,
        "body_html": "" if removed else comment.body_html,
        "published_at": comment.published_at,
        "url": request.build_absolute_uri(f"/comments/{comment.id}/"),
        "replies": [_comment_out(child, request) for child in node.children],
    }  # fmt: skip


@router.post(
    "/posts/{post_id}/comments",
    response={201: SubmittedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Submit a comment: the same rules, limits and messages as the form",
)
def create_comment(request, post_id: int, payload: CommentIn):
    post = _published(post_id)
    parent = None
    if payload.parent_id is not None:
        parent = Comment.objects.public().filter(post=post, pk=payload.parent_id).first()
        if parent is None:
            return Status(400, _error("invalid_parent", "The comment you are replying to is not available."))
    try:
        comment = submit_comment(
            post=post, parent=parent, author_name=payload.author_name.strip(),
            author_email=payload.author_email.strip(), author_url=payload.author_url.strip(),
            body=payload.body, ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )  # fmt: skip
    except ValidationError as invalid:
        fields = {name: [str(m) for m in messages] for name, messages in invalid.message_dict.items()}
        return Status(422, _error("invalid", "Some of what you sent is not valid.", fields))
    published = comment.is_public
    return Status(201, {
        "id": comment.pk, "status": "published" if published else "awaiting_moderation",
        "number": comment.number, "url": request.build_absolute_uri(comment.get_absolute_url()),
        "message": "Your comment is published." if published else "Your comment is awaiting moderation.",
    })  # fmt: skip


def _error(code: str, message: str, fields=None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}
