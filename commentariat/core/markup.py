"""Markdown to safe HTML.

Every piece of HTML that reaches a page passes through nh3 with an allow-list:
markdown-it decides the structure, nh3 decides what survives. Posts get the full
set an editor needs; comments get a small "Markdown-lite".
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

_SAFE_SCHEMES = {"http", "https", "mailto"}

_POST_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "sup",
    "sub",
    "blockquote",
    "cite",
    "q",
    "abbr",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "pre",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
}
_COMMENT_TAGS = {"p", "br", "em", "strong", "blockquote", "a", "code", "pre"}
_COMMENT_ATTRIBUTES = {"a": {"href"}}

# Raw HTML is allowed in posts (editors and imports need it); nh3 strips what is not allowed.
_post_markdown = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(
    ["table", "strikethrough", "linkify"]
)
# Comments: paragraphs, line breaks, emphasis, quotes, code and links, nothing else.
# Raw HTML is escaped as text, so "<b>" shows as typed.
_comment_markdown = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True}).enable(
    [
        "blockquote",
        "emphasis",
        "newline",
        "escape",
        "entity",
        "backticks",
        "link",
        "linkify",
        "autolink",
        "fence",
        "code",
    ]
)


def render_post_html(markdown_text: str) -> str:
    """An editor's Markdown (HTML allowed) as sanitized HTML."""
    html = _post_markdown.render(markdown_text)
    return nh3.clean(
        html,
        tags=_POST_TAGS,
        attributes=_POST_ATTRIBUTES,
        url_schemes=_SAFE_SCHEMES,
        link_rel="noopener",
    )


def render_comment_html(markdown_text: str) -> str:
    """A reader's Markdown-lite as sanitized HTML; links are marked as user content."""
    html = _comment_markdown.render(markdown_text)
    return nh3.clean(
        html,
        tags=_COMMENT_TAGS,
        attributes=_COMMENT_ATTRIBUTES,
        url_schemes=_SAFE_SCHEMES,
        link_rel="nofollow ugc noopener",
    )


_TAG = re.compile(r"<[^>]*>")


def html_to_text(html: str) -> str:
    """Plain text of HTML this module produced, for excerpts and structured data.

    Only for sanitized HTML (well-formed, attributes quoted); the result is text, to be escaped
    wherever it is shown.
    """
    return html_lib.unescape(_TAG.sub("", html.replace("</p>", "</p>\n"))).strip()
