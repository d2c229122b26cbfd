from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from commentariat.core.markup import render_comment_html, render_post_html

COMMENT_TAGS = {"p", "br", "em", "strong", "blockquote", "a", "code", "pre"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html):
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def test_comment_markdown_lite_gives_paragraphs_emphasis_quotes_and_links():
    html = render_comment_html("> quoted\n\nI *agree* and **strongly**: see https://example.org/x")
    assert "<blockquote>" in html
    assert "<em>agree</em>" in html and "<strong>strongly</strong>" in html
    assert '<a href="https://example.org/x" rel="nofollow ugc noopener">' in html


def test_comment_raw_html_shows_as_text():
    assert "&lt;b&gt;bold&lt;/b&gt;" in render_comment_html("<b>bold</b>")


def test_comment_headings_and_images_are_not_markup():
    html = render_comment_html("# Big\n\n![x](https://example.org/a.png)")
    assert "<h1" not in html and "<img" not in html


def test_post_keeps_editorial_markup_and_drops_scripts():
    html = render_post_html(
        "## Section\n\n> A quote\n>\n> <cite>Someone</cite>\n\n- one\n- two\n\n"
        "![Alt text](https://example.org/a.png)\n\n<script>alert(1)</script><p onclick=x()>Hi</p>"
    )
    assert "<h2>Section</h2>" in html and "<cite>Someone</cite>" in html
    assert '<img src="https://example.org/a.png" alt="Alt text">' in html
    assert "<script" not in html and "onclick" not in html


hostile_fragments = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,hi)",
        '<a href="javascript:x">y</a>',
        "<style>body{}</style>",
        '<p style="x">',
        "<iframe src=//evil>",
        "\u202e",
        "\x00",
        "*",
        ">",
        "\n\n",
        "https://example.org",
        "<svg onload=x>",
        "&#106;avascript:",
        "`code`",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(hostile_fragments, st.text(max_size=20)), max_size=12).map("".join))
def test_any_comment_text_renders_to_allowed_markup_only(text):
    for tag, attrs in _elements(render_comment_html(text)):
        assert tag in COMMENT_TAGS
        assert set(attrs) <= {"href", "rel"}
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("http://", "https://", "mailto:"))
