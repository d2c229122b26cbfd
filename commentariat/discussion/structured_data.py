"""schema.org JSON-LD for the post page: the post and the comments on this page, never an email."""

from commentariat.core.dates import machine_datetime
from commentariat.core.markup import html_to_text
from commentariat.publishing.models import Post

from .rendering import placeholder_note
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
        "comment": [_comment_data(node, url) for node in thread.nodes if _shown(node)],
    }


def _shown(node: ThreadNode) -> bool:
    return not node.is_pending


def _comment_data(node: ThreadNode, url: str) -> dict:
    comment = node.comment
    data = {"@type": "Comment", "url": f"{url}#{comment.anchor}", "position": comment.number}
    if node.is_placeholder:
        data["text"] = placeholder_note(comment.status)
    else:
        data["author"] = {"@type": "Person", "name": comment.author_name}
        if comment.author_url:
            data["author"]["url"] = comment.author_url
        data["dateCreated"] = machine_datetime(comment.created_at)
        data["text"] = html_to_text(comment.body_html)
    replies = [_comment_data(child, url) for child in node.children if _shown(child)]
    if replies:
        data["comment"] = replies
    return data
