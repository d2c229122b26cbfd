"""Text from outside — forms, the API, the embed widget, the edit window, moderators' edits, imports —
made safe to store and to show, in one place.

- Control characters (C0, C1, NUL, DEL) are removed, except tab and newline in long texts; line
  breaks become "\\n". Lone surrogates and the noncharacters XML cannot carry go too: a stored
  text must never break a feed, a JSON answer or a database driver.
- A name is one line: no line breaks, no bidirectional controls (it is shown isolated, in <bdi>),
  spaces collapsed; a name of invisible characters only is no name.
- A website is an http(s) address without a user name or password in it.

Bidirectional controls inside a comment's text are kept (right-to-left writers use them) and are
isolated where the text is shown (the comment body is its own bidi isolate, site.css).
"""

import re
import unicodedata
from urllib.parse import urlsplit

# C0 except tab (09) and newline (0A), DEL, C1; lone surrogates; the noncharacters FFFE and FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
# Embedding, override and isolate controls, and the marks: never needed in a name.
_BIDI = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
# Characters that show nothing by themselves: format characters (zero-width spaces and joiners,
# bidi marks), combining marks alone, and the rest of Unicode's "default ignorables".
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # Hangul fillers and the blank Braille cell


def clean_text(value: str) -> str:
    """A comment's or a post's text: line breaks made "\\n", control characters removed."""
    if not _TO_CLEAN_IN_TEXT.search(value):
        return value  # most texts: one scan instead of two (an import cleans hundreds of thousands)
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def clean_line(value: str) -> str:
    """One line of text (a name, a title): no controls, no line breaks, spaces collapsed."""
    if _is_clean_line(value):
        return value
    return _SPACES.sub(" ", _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value)).replace("\t", " ")).strip()


def clean_name(value: str) -> str:
    """A commenter's name: one line, without bidi controls; '' when nothing in it would show."""
    name = value if _is_clean_line(value) else clean_line(_BIDI.sub("", value))
    return name if is_visible(name) else ""


# What clean_text changes: the controls and every line break but "\n" (CR, NEL, U+2028, U+2029).
_TO_CLEAN_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _is_clean_line(value: str) -> bool:
    """Whether clean_line and clean_name would leave value as it is. Every character they remove
    or replace (controls, line breaks, tabs, bidi controls, spaces other than U+0020) is one
    str.isprintable() refuses; what is left is doubled, leading or trailing spaces."""
    return value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " "


def is_visible(value: str) -> bool:
    """Whether anything in value would show on the page."""
    return any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _FILLERS for char in value
    )


def website_problem(url: str) -> str:
    """Why a commenter's website cannot be kept, or '' when it can (an empty one can)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "Please enter a web address starting with http:// or https://."
    if parts.username is not None or parts.password is not None:
        return "Please enter the address without a user name or password in it."
    return ""


def xml_safe(value: str) -> str:
    """Text a feed (XML 1.0) can carry, whatever was stored before the cleaning existed."""
    return _CONTROLS.sub("", value.replace("\r", ""))
