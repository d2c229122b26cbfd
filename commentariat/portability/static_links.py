"""The addresses a page or a style sheet refers to (links, assets), for the static export's crawl
and for checking that what it wrote holds no link to a missing file."""

import re
from html.parser import HTMLParser

_LINK_ATTRIBUTES = {"href", "src", "poster"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINK_ATTRIBUTES or (name == "action" and tag == "form"):
                self.links.append(value)
            elif name == "srcset":
                self.links.extend(part.strip().split(" ")[0] for part in value.split(",") if part.strip())


def links_in_html(html: str) -> list[str]:
    """Every href, src, poster, srcset entry and form action, as written in the page."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links


def links_in_css(css: str) -> list[str]:
    """Every url(…) and @import of a style sheet (data: URLs included; callers skip them)."""
    return [match.group(2) or match.group(4) for match in _CSS_URL.finditer(css)]
