"""schema.org JSON-LD for the post page: the post, its comment count and its first few comments
(never an email). Bounded: repeating every comment's text would double a long thread's page."""

from commentariat.core.dates import machine_datetime
from commentariat.core.markup import html_to_text
from commentariat.publishing.models import Post

from .rendering import linkable_url, placeholder_note
from .threads import ThreadNode, ThreadPage


def post_structured_data(post: Post, thread: ThreadPage, *, url: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "url": url,
        "datePublished": machine_datetime(post.published_at) if post.published_at else None,
        "dateModified": machine_datetime(post.updated_at) if post.updated_at else None,
        "author": {"@type": "Person", "name": post.author_display_name},
        "description": post.summary,
        "commentCount": post.comment_count,
        "comment": _comments(thread.nodes, url, budget=[JSON_LD_COMMENTS]),
    }


JSON_LD_COMMENTS = 5


def _comments(nodes: list[ThreadNode], url: str, budget: list[int]) -> list[dict]:
    """The nodes in reading order, replies nested, until the budget of comments is spent."""
    found = []
    for node in nodes:
        if budget[0] <= 0:
            break
        if _shown(node):
            budget[0] -= 1
            found.append(_comment_data(node, url, budget))
    return found


def _shown(node: ThreadNode) -> bool:
    return not node.is_pending


def _comment_data(node: ThreadNode, url: str, budget: list[int]) -> dict:
    comment = node.comment
    data = {"@type": "Comment", "url": f"{url}#{comment.anchor}", "position": comment.number}
    if node.is_placeholder:
        data["text"] = placeholder_note(comment.status, erased=comment.erased_at is not None)
    else:
        data["author"] = {"@type": "Person", "name": comment.author_name}
        if website := linkable_url(comment.author_url):
            data["author"]["url"] = website
        data["dateCreated"] = machine_datetime(comment.created_at)
        data["text"] = html_to_text(comment.body_html)
    replies = _comments(node.children, url, budget)
    if replies:
        data["comment"] = replies
    return data
