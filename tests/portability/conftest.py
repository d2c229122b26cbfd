import io
from pathlib import Path

import pytest
from django.core.management import call_command

FILES = Path(__file__).parent / "files"
LANTERN = FILES / "lantern-review.xml"


def run_command(name: str, *args) -> str:
    out = io.StringIO()
    call_command(name, *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def lantern_variant(tmp_path):
    """A copy of the Lantern Review export with some text replaced, as a newer export would be."""

    def make(*replacements: tuple[str, str]) -> Path:
        text = LANTERN.read_text()
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "variant.xml"
        path.write_text(text)
        return path

    return make
