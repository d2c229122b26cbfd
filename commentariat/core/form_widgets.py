"""Django's plain form widgets (text, email, url, hidden, checkbox, textarea) written in Python.

Django renders every widget through a template of its own (plus an included one for the
attributes): on the reader's page the comment form's seven widgets cost more than the whole
21-comment thread (bench/README.md, the profile). This renderer writes the same HTML, byte for
byte, for those templates and hands any other widget to Django's templates.
tests/core/test_form_widgets.py compares the two.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "url", "hidden", "checkbox", "number", "password", "search")
)
_TEXTAREA = "django/forms/widgets/textarea.html"


def _attributes(attrs: dict) -> str:
    # django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name alone.
    written = []
    for name, value in attrs.items():
        if value is True:
            written.append(f" {conditional_escape(name)}")
        elif value is not False:
            written.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(written)


class PythonWidgetRenderer(DjangoTemplates):
    """Plain widgets in Python, every other template through Django's own renderer."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUTS:
            widget = context["widget"]
            value = widget["value"]
            shown = "" if value is None else f' value="{conditional_escape(value)}"'
            kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
            return f'<input type="{kind}" name="{name}"{shown}{_attributes(widget["attrs"])}>'
        if template_name == _TEXTAREA:
            widget = context["widget"]
            value = widget["value"]
            return (
                f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                f"{conditional_escape(value) if value else ''}</textarea>"
            )
        return super().render(template_name, context, request=request)
