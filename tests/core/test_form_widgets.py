"""The comment form's widgets, written in Python, are byte for byte what Django's templates write."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from commentariat.core.form_widgets import PythonWidgetRenderer
from commentariat.discussion.forms import CommentForm

HOSTILE = "<script>alert(\"x\")</script> & 'quotes' \u202e\u00e9\u0000"

WIDGETS = [
    forms.TextInput(attrs={"title": HOSTILE, "data-zero": 0, "disabled": True, "hidden": False}),
    forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    forms.URLInput(),
    forms.HiddenInput(),
    forms.NumberInput(attrs={"min": 1}),
    forms.PasswordInput(render_value=True),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 8, "aria-describedby": "id_body_error"}),
    forms.Select(choices=[("a", HOSTILE), ("b", "B")]),  # not written in Python: Django's template
]
VALUES = [None, "", "plain", HOSTILE, mark_safe("<b>already safe</b>"), 0, 12, True, False]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_each_widget_is_written_as_djangos_template_writes_it(widget, value):
    attrs = {"id": "id_field", "aria-invalid": "true"}
    expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("field", value, attrs=attrs, renderer=PythonWidgetRenderer()) == expected


def _fields(form) -> list[str]:
    return [str(form[name]) for name in form.fields]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"author_name": HOSTILE, "author_email": "not an address", "author_url": "javascript:alert(1)",
         "body": HOSTILE, "parent": "x", "remember": "on", "notify": "on"},
        {"author_name": "Ada", "author_email": "ada@example.org", "body": "Fine words.", "remember": "on"},
    ],
    ids=["unbound", "empty", "hostile", "valid"],
)  # fmt: skip
def test_comment_form_is_the_same_with_djangos_widget_templates(post, data):
    initial = {"author_name": HOSTILE, "author_email": "a@example.org", "remember": True}
    fast = CommentForm(data, post=post, initial=initial)
    slow = CommentForm(data, post=post, initial=initial, renderer=DjangoTemplates())
    if data is not None:
        fast.is_valid(), slow.is_valid()
        fast.add_error(None, "refused"), slow.add_error(None, "refused")
    assert isinstance(fast.renderer, PythonWidgetRenderer)
    assert _fields(fast) == _fields(slow)


_TOKENS = re.compile(r'name="(csrfmiddlewaretoken|started)" value="[^"]*"')


@pytest.mark.django_db
def test_post_page_is_the_same_with_djangos_widget_templates(client, post, monkeypatch):
    """The reader's page after a refused comment (values kept, errors tied to their fields)."""
    url = f"{post.get_absolute_url()}comments/"
    fields = {"author_name": HOSTILE, "author_email": "nope", "body": HOSTILE, "started": "forged"}
    fast = client.post(url, fields).content.decode()
    monkeypatch.setattr(CommentForm, "default_renderer", DjangoTemplates())
    slow = client.post(url, fields).content.decode()
    assert 'aria-describedby="id_author_email_error"' in fast
    assert _TOKENS.sub("", fast) == _TOKENS.sub("", slow)
