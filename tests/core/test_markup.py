from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from commentariat.core import markup
from commentariat.core.markup import render_comment_html, render_post_html, render_wordpress_html

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


def _through_the_sanitizer(text):
    """A WordPress comment's HTML the long way: paragraphs, then nh3 (what render_wordpress_html
    skips for text without markup)."""
    return markup._clean(
        markup.wordpress_paragraphs(text),
        markup._WORDPRESS_COMMENT_TAGS,
        markup._WORDPRESS_COMMENT_ATTRIBUTES,
        "nofollow ugc noopener",
    )


def test_a_wordpress_comment_without_markup_skips_the_sanitizer_and_renders_the_same(monkeypatch):
    plain = [chr(c) for c in range(0x30000) if not markup._SANITIZER_CHANGES.search(chr(c))]
    assert len(plain) > 0x30000 - 2048 - 200  # all but surrogates, markup, entities and controls
    texts = [
        "a" + "b\n".join(plain[start : start + 500]) + "\r\n\r\nc d" for start in range(0, len(plain), 500)
    ]
    texts.append("one\r\n\r\ntwo\nthree")
    expected = [_through_the_sanitizer(text) for text in texts]
    monkeypatch.setattr(markup, "_clean", None)  # the sanitizer must not be needed
    assert [render_wordpress_html(text, comment=True) for text in texts] == expected
    assert expected[-1] == "<p>one</p>\n<p>two<br>\nthree</p>"


wordpress_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" \n\r\t\"'<>&;#\xa0\x00\x0b\x85\u2028[]/=ap")),
        st.characters(exclude_categories=["Cs"]),  # no surrogates: clean_text removes them before
    ),
    max_size=60,
)


wordpress_pieces = st.one_of(wordpress_text, st.sampled_from(["\n\n", "[caption]", "<p>", "&amp;"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(wordpress_pieces, max_size=6).map("".join))
def test_any_wordpress_comment_renders_as_the_sanitizer_would(text):
    assert render_wordpress_html(text, comment=True) == _through_the_sanitizer(text)


inline_pieces = st.one_of(
    wordpress_text,
    st.sampled_from(
        ['<a href="https://example.net/a">', "</a>", "<em>", "</em>", "<b>", "<br>", "<br/>", "<q>", "<img src=x>",
         "\n\n", "\n", " \n \n", "<", ">", "</", "<p", "<P>", "</div>", "<pre>", "<!--", "-->", "[caption]", "\x00"]
    ),  # fmt: skip
)


@settings(max_examples=500, deadline=None)
@example("Before <!-- a note --> after")
@example("One <div>block</div> two")
@example('[caption id="c"]<a href="https://x.example/i.png"><img src="i.png"></a> A view[/caption]')
@example("Code:\x00<PRE>  kept\n\n  as is</PRE>")
@example("<p\nclass=x>unfinished tag")
@example("Text\n\n<ul><li>one</li></ul> tail")
@given(st.lists(inline_pieces, max_size=8).map("".join))
def test_wordpress_paragraphs_take_the_short_way_only_where_it_gives_the_same(text):
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    assert markup.wordpress_paragraphs(text) == markup._paragraphs_around_blocks(normalized)


def test_a_comment_with_a_link_takes_the_short_way(monkeypatch):
    text = 'Two sources <a href="https://example.net/a">say</a> so.\nReally.\n\nAnother <em>one</em>.'
    expected = markup._paragraphs_around_blocks(text)
    monkeypatch.setattr(markup, "_paragraphs_around_blocks", None)
    assert markup.wordpress_paragraphs(text) == expected
    assert expected == (
        '<p>Two sources <a href="https://example.net/a">say</a> so.<br>\nReally.</p>\n<p>Another <em>one</em>.</p>'
    )
