"""A post as a printed document: the article, its links as footnotes, and optionally its
numbered discussion. The print view and the PDF are both made from it."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

# Only for HTML that went through nh3: attributes are double-quoted and escaped.
_LINK = re.compile(r'<a\b[^>]*?\bhref="(https?://[^"]+|mailto:[^"]+)"[^>]*>(.*?)</a>', re.DOTALL)


@dataclass
class PrintedComment:
    number: str
    depth: int
    author_name: str
    published_at: object
    body_html: str


def footnoted(html: str, notes: list[str]) -> str:
    """html with a [n] mark after each link; the addresses are appended to notes (shared
    between the article and the comments, one number per address)."""

    def mark(match):
        url = match.group(1)
        if url not in notes:
            notes.append(url)
        return f'{match.group(0)}<sup class="footnote-ref">[{notes.index(url) + 1}]</sup>'

    return _LINK.sub(mark, html)


def printed_comments(post: Post) -> list[PrintedComment]:
    rows = (
        Comment.objects.shown_in_thread()  # the view checked that this reader may read the post
        .filter(post=post)
        .exclude(number="")
        .order_by("sort_key")
        .values_list("number", "depth", "author_name", "published_at", "body_html")
    )
    return [PrintedComment(*row) for row in rows]


def print_document(post: Post, *, with_comments: bool, url: str, for_pdf: bool = False) -> str:
    """The whole printable page, as HTML."""
    notes: list[str] = []
    body = footnoted(post.body_html, notes)
    comments = []
    if with_comments:
        for comment in printed_comments(post):
            comment.body_html = footnoted(comment.body_html, notes)
            comments.append(comment)
    return render_to_string(
        "exports/print.html",
        {
            "post": post,
            "body_html": body,
            "comments": comments,
            "with_comments": with_comments,
            "notes": notes,
            "url": url,
            "for_pdf": for_pdf,
            "site_name": settings.COMMENTARIAT["SITE_NAME"],
        },
    )
