"""The text cleaners' shortcuts for text that needs no cleaning give what the full cleaning gives."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from commentariat.core import text

# The cleaning without its shortcuts, as core/text.py did it before they existed.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_BIDI = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def full_clean_text(value):
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def full_clean_line(value):
    return _SPACES.sub(" ", _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value)).replace("\t", " ")).strip()


def full_clean_name(value):
    name = full_clean_line(_BIDI.sub("", value))
    return name if text.is_visible(name) else ""


def _in_chunks(characters, size=1000):
    return ["a" + "".join(characters[start : start + size]) + "b" for start in range(0, len(characters), size)]


def test_every_character_the_shortcuts_let_through_is_one_the_full_cleaning_keeps():
    every_character = [chr(c) for c in range(0x110000)]
    # Characters the shortcuts refuse go the full way, the same code as before: only the ones they
    # let through need checking, a thousand at a time.
    kept_in_text = [c for c in every_character if not text._TO_CLEAN_IN_TEXT.search(c)]
    kept_in_line = [c for c in every_character if text._is_clean_line(c)]
    assert len(kept_in_line) > 140_000 and len(kept_in_text) > 1_000_000  # (assigned ones, for lines)
    for value in _in_chunks(kept_in_text):
        assert text.clean_text(value) == full_clean_text(value)
    for value in _in_chunks(kept_in_line):
        assert text.clean_line(value) == full_clean_line(value)
        assert text.clean_name(value) == full_clean_name(value)


def test_the_shortcuts_are_taken_for_ordinary_text(monkeypatch):
    for pattern in ("_CONTROLS", "_LINE_BREAKS", "_SPACES", "_BIDI"):
        monkeypatch.setattr(text, pattern, None)  # the full cleaning would fail
    assert text.clean_text("Two lines,\nplain ones. Ünïcode ☃ too.") == "Two lines,\nplain ones. Ünïcode ☃ too."
    assert text.clean_line("Grace Okafor") == "Grace Okafor"
    assert text.clean_name("Ève Marsh") == "Ève Marsh"


MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" \t\n\r\x00\x1f\x7f\x85\xa0\u2028\u2029\u200b\u202e\u2066\ufeff\ufffe\u3000\u0301ab")),
        st.characters(),
    ),
    max_size=30,
)


@settings(max_examples=500, deadline=None)
@given(MIXED)
def test_any_text_is_cleaned_as_the_full_cleaning_cleans_it(value):
    assert text.clean_text(value) == full_clean_text(value)
    assert text.clean_line(value) == full_clean_line(value)
    assert text.clean_name(value) == full_clean_name(value)


def test_spaces_at_the_ends_or_doubled_take_the_full_way():
    for value in ("Grace  Okafor", " Grace", "Grace ", "  ", " ", "a \u3000b", "a\xa0 b"):
        assert text.clean_line(value) == full_clean_line(value) != value
        assert text.clean_name(value) == full_clean_name(value) != value
