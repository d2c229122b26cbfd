"""Markdown to safe HTML.

Every piece of HTML that reaches a page passes through nh3 with an allow-list:
markdown-it decides the structure, nh3 decides what survives. Posts get the full
set an editor needs; comments get a small "Markdown-lite".
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

from .embeds import embed_cards

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
    """An editor's Markdown (HTML allowed) as sanitized HTML; lone video and social links
    become cards (core/embeds.py)."""
    return embed_cards(_clean(_post_markdown.render(markdown_text), _POST_TAGS, _POST_ATTRIBUTES, "noopener"))


def render_comment_html(markdown_text: str) -> str:
    """A reader's Markdown-lite as sanitized HTML; links are marked as user content."""
    return _clean(
        _comment_markdown.render(markdown_text), _COMMENT_TAGS, _COMMENT_ATTRIBUTES, "nofollow ugc noopener"
    )


def _clean(html: str, tags: set, attributes: dict, link_rel: str) -> str:
    """What survives of html: the allowed tags and attributes, links with safe schemes only."""
    return nh3.clean(html, tags=tags, attributes=attributes, url_schemes=_SAFE_SCHEMES, link_rel=link_rel)


_TAG = re.compile(r"<[^>]*>")


def html_to_text(html: str) -> str:
    """Plain text of HTML this module produced, for excerpts and structured data.

    Only for sanitized HTML (well-formed, attributes quoted); the result is text, to be escaped
    wherever it is shown.
    """
    return html_lib.unescape(_TAG.sub("", html.replace("</p>", "</p>\n"))).strip()


# WordPress content (imports): the HTML WordPress stored, in which blank lines make paragraphs.
# It is sanitized like Markdown's output, with the few more tags WordPress's editor writes.
_WORDPRESS_POST_TAGS = _POST_TAGS | {
    "h1", "b", "i", "u", "s", "span", "div", "small", "mark", "ins", "kbd", "samp", "var",
    "dl", "dt", "dd", "caption", "tfoot",
}  # fmt: skip
_WORDPRESS_COMMENT_TAGS = _COMMENT_TAGS | {
    "b",
    "i",
    "q",
    "cite",
    "del",
    "s",
    "strike",
    "abbr",
    "ul",
    "ol",
    "li",
}
_WORDPRESS_COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}}

_BLOCK = (
    r"(?:address|article|aside|blockquote|caption|dd|details|div|dl|dt|figcaption|figure|footer|"
    r"h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)"
)
_BLOCK_OPEN = re.compile(rf"(<{_BLOCK}\b[^>]*>)", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</{_BLOCK}>)", re.IGNORECASE)
_CHUNK_PARTS = re.compile(
    rf"^((?:\s*<{_BLOCK}\b[^>]*>)*)(.*?)((?:\s*</{_BLOCK}>)*)$", re.DOTALL | re.IGNORECASE
)
_STARTS_WITH_BLOCK = re.compile(rf"^\s*</?{_BLOCK}\b", re.IGNORECASE)
_LAST_OPEN_TAG = re.compile(r"<([a-z0-9]+)[^>]*>\s*$", re.IGNORECASE)
# Blocks whose text WordPress shows in paragraphs (a list item or a cell keeps its text bare).
_PARAGRAPH_CONTAINERS = {
    "blockquote",
    "div",
    "section",
    "article",
    "aside",
    "main",
    "header",
    "footer",
    "details",
}
_BLANK_LINE = re.compile(r"\n\s*\n")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL)
_CAPTION_PARTS = re.compile(r"^\s*(.*<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)


def wordpress_paragraphs(text: str) -> str:
    """Paragraphs and line breaks for text stored by WordPress, as its pages would show it.

    Blank lines separate paragraphs, a single newline is a line break, block-level HTML is
    left as it is, and <pre> keeps its whitespace. (Our own reading of WordPress's behaviour.)
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" not in text and "[caption" not in text or not _BLOCK_MARKUP.search(text):
        # Most comments: text alone, or with inline markup only (a link, emphasis). Each chunk
        # between blank lines is then a paragraph, as the long way below would make it.
        chunks = (chunk.strip() for chunk in _BLANK_LINE.split(text))
        return "\n".join("<p>" + chunk.replace("\n", "<br>\n") + "</p>" for chunk in chunks if chunk)
    return _paragraphs_around_blocks(text)


# What only the long way handles: block-level tags (complete or not), HTML comments, captions, and
# NUL, which it uses to set <pre> blocks aside.
_BLOCK_MARKUP = re.compile(rf"</?{_BLOCK}\b|<!--|\[caption|\x00", re.IGNORECASE)


def _paragraphs_around_blocks(text: str) -> str:
    text = _HTML_COMMENT.sub("", text)  # includes the block editor's <!-- wp:… --> markers
    text = _CAPTION.sub(_figure, text)
    preformatted: list[str] = []

    def keep(match):
        preformatted.append(match.group(0))
        return f"\n\n\x00{len(preformatted) - 1}\x00\n\n"

    text = _PRE_BLOCK.sub(keep, text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", _BLOCK_OPEN.sub(r"\n\n\1", text))
    chunks = [_paragraph(chunk) for chunk in _BLANK_LINE.split(text) if chunk.strip()]
    return re.sub(r"<p>\x00(\d+)\x00</p>", lambda m: preformatted[int(m.group(1))], "\n".join(chunks))


def _paragraph(chunk: str) -> str:
    opens, inner, closes = _CHUNK_PARTS.match(chunk.strip()).groups()
    inner = inner.strip()
    if not inner:
        return opens + closes
    container = _LAST_OPEN_TAG.search(opens)
    if not _STARTS_WITH_BLOCK.match(inner) and (
        not opens or (container and container.group(1).lower() in _PARAGRAPH_CONTAINERS)
    ):
        inner = "<p>" + inner.replace("\n", "<br>\n") + "</p>"
    else:
        inner = inner.replace("\n", "<br>\n") if not _STARTS_WITH_BLOCK.match(inner) else inner
    return opens + inner + closes


def _figure(match) -> str:
    parts = _CAPTION_PARTS.match(match.group(1))
    if not parts:
        return match.group(1)
    return f"<figure>{parts.group(1)}<figcaption>{parts.group(2).strip()}</figcaption></figure>"


def render_wordpress_html(text: str, *, comment: bool = False) -> str:
    """HTML stored by WordPress (a post, or a comment when comment=True), sanitized."""
    html = wordpress_paragraphs(text)
    if comment and not _SANITIZER_CHANGES.search(text):
        # Text alone (most comments): the paragraphs and breaks above are all the markup there is,
        # and nh3 would give back exactly this (tests/core/test_markup.py compares the two).
        return html
    if comment:
        return _clean(html, _WORDPRESS_COMMENT_TAGS, _WORDPRESS_COMMENT_ATTRIBUTES, "nofollow ugc noopener")
    return embed_cards(_clean(_linkify_lone_urls(html), _WORDPRESS_POST_TAGS, _POST_ATTRIBUTES, "noopener"))


# What makes nh3's output differ from its input when that is text in <p> and <br>: markup, entities,
# the no-break space it writes as &nbsp;, NUL; other controls and surrogates too, to be safe. (CR is
# no concern: wordpress_paragraphs turns every one into a newline.)
_SANITIZER_CHANGES = re.compile("[<>&\xa0\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_LONE_URL = re.compile(r"<p>(https://[^\s<>\"]+)</p>")


def _linkify_lone_urls(html: str) -> str:
    """WordPress turns a URL alone on a line into an embed; here it becomes a link (then a card)."""
    return _LONE_URL.sub(lambda m: f'<p><a href="{m.group(1)}">{m.group(1)}</a></p>', html)
