"""URL converters for addresses in any script: Django's `slug` takes ASCII only."""


class UnicodeSlugConverter:
    """A slug with letters and digits of any script (νέα-ανάρτηση, новости), as allow_unicode makes."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
