"""Links to videos and social posts, alone on a line, become privacy-friendly cards.

Nothing is loaded from the third party when the page is shown: the card is a link. A click on
a video card lets the page's script swap in the player (youtube-nocookie.com, player.vimeo.com);
other cards simply open the post. In print and in PDFs the card is its link.
"""

import re
from html import escape, unescape

# A paragraph holding nothing but one link whose text is its own address (Markdown's linkify).
_LONE_LINK = re.compile(r'<p><a href="(https://[^"]+)"[^>]*>([^<]+)</a></p>')

_PROVIDERS = [
    ("youtube", "YouTube", "Play the video", re.compile(
        r"^https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|shorts/|live/)|youtu\.be/)([\w-]{11})(?:[&?#].*)?$")),
    ("vimeo", "Vimeo", "Play the video", re.compile(r"^https://(?:www\.)?vimeo\.com/(\d+)(?:[/?#].*)?$")),
    ("x", "X", "Open the post on X", re.compile(r"^https://(?:www\.)?(?:x|twitter)\.com/\w+/status/(\d+)(?:[/?#].*)?$")),
    ("bluesky", "Bluesky", "Open the post on Bluesky", re.compile(r"^https://bsky\.app/profile/[\w.:-]+/post/(\w+)$")),
    ("mastodon", "Mastodon", "Open the post on Mastodon", re.compile(r"^https://[\w.-]+/@[\w.]+(?:@[\w.-]+)?/(\d+)$")),
]  # fmt: skip


def embed_cards(html: str) -> str:
    """Sanitized HTML with lone provider links replaced by cards (the URL is escaped again)."""
    if '<p><a href="https://' not in html:
        return html
    return _LONE_LINK.sub(_card, html)


def _card(match) -> str:
    href = unescape(match.group(1))
    if unescape(match.group(2)).strip() != href:
        return match.group(0)  # a link with its own words stays a link
    for key, name, action, pattern in _PROVIDERS:
        found = pattern.match(href)
        if found:
            url = escape(href)
            return (
                f'<figure class="embed embed-{key}" data-embed="{key}" data-embed-id="{escape(found.group(1))}">'
                f'<a class="embed-link" href="{url}" rel="noopener">'
                f'<span class="embed-provider">{name}</span> <span class="embed-action">{action}</span> '
                f'<span class="embed-note">Nothing loads from {name} until you click.</span> '
                f'<span class="embed-url">{url}</span></a></figure>'
            )
    return match.group(0)
