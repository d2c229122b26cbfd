"""Video and social links alone on a line become cards that load nothing until clicked."""

import pytest

from commentariat.core.markup import render_post_html, render_wordpress_html


@pytest.mark.parametrize(
    "url, provider",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube"),
        ("https://vimeo.com/76979871", "vimeo"),
        ("https://x.com/someone/status/1234567890", "x"),
        ("https://twitter.com/someone/status/1234567890", "x"),
        ("https://bsky.app/profile/someone.bsky.social/post/3kxyzabc", "bluesky"),
        ("https://mastodon.social/@someone/112233445566", "mastodon"),
    ],
)
def test_a_lone_provider_link_becomes_a_card_with_its_link(url, provider):
    html = render_post_html(f"Before.\n\n{url}\n\nAfter.")
    assert f'<figure class="embed embed-{provider}" data-embed="{provider}"' in html
    assert f'href="{url}"' in html and "<iframe" not in html and "<script" not in html


def test_links_in_sentences_or_with_their_own_words_stay_links():
    html = render_post_html(
        "See https://youtu.be/dQw4w9WgXcQ here.\n\n[a talk](https://vimeo.com/76979871)\n\nhttps://example.org/video"
    )
    assert "embed" not in html
    assert html.count("<a ") == 3


def test_hostile_urls_stay_inert():
    html = render_post_html('https://www.youtube.com/watch?v=dQw4w9WgXcQ&x="><script>alert(1)</script>')
    assert "<script" not in html and "alert" not in html


def test_wordpress_content_gets_cards_for_its_lone_urls_too():
    html = render_wordpress_html("Watch this:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nThen talk.")
    assert 'data-embed="youtube"' in html and 'data-embed-id="dQw4w9WgXcQ"' in html
