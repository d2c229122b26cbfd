from django import forms
from django.conf import settings
from django.core import signing

from commentariat.core import text
from commentariat.core.form_widgets import PythonWidgetRenderer
from commentariat.core.form_timing import seconds_since, started_token

from .models import Comment

BOT_MESSAGE = "Your comment could not be accepted. Please reload the page and send it again."
form_started_token = started_token


class CommentForm(forms.Form):
    # The form is on every post page: its widgets are written in Python (core/form_widgets.py).
    default_renderer = PythonWidgetRenderer()

    author_name = forms.CharField(
        label="Name",
        error_messages={"required": "Please enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label="Email",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        max_length=500,
        error_messages={"invalid": "Please enter a web address starting with http:// or https://."},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = forms.CharField(
        label="Comment",
        error_messages={"required": "Please write a comment."},
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    remember = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
    )
    notify = forms.BooleanField(label="Notify me of replies by email.", required=False)

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        limits = settings.COMMENTARIAT
        # Limits are checked in clean_*(), so that a long text is refused with a message, not cut.
        self.name_limit = limits["COMMENT_NAME_MAX_LENGTH"]
        self.body_limit = limits["COMMENT_BODY_MAX_LENGTH"]
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["required"] = True

    def add_error(self, field, error):
        super().add_error(field, error)
        # Tie each message to its input for screen readers; the template renders it with this id.
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:  # shown in #form-errors
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def clean_author_name(self):
        name = text.clean_name(self.cleaned_data["author_name"])
        if not name:
            raise forms.ValidationError("Please enter your name.")
        if len(name) > self.name_limit:
            raise forms.ValidationError(
                f"Please keep your name under {self.name_limit} characters (this one has {len(name)})."
            )
        return name

    def clean_author_url(self):
        url = text.clean_line(self.cleaned_data["author_url"])
        if problem := text.website_problem(url):
            raise forms.ValidationError(problem)
        return url

    def clean_body(self):
        body = text.clean_text(self.cleaned_data["body"])
        if not text.is_visible(body):
            raise forms.ValidationError("Please write a comment.")
        if len(body) > self.body_limit:
            raise forms.ValidationError(
                f"Please keep your comment under {self.body_limit:,} characters (this one has {len(body):,})."
            )
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.shown_in_thread().filter(pk=parent_id, post=self.post).first()
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not available.")
        return parent

    def clean(self):
        data = super().clean()
        # Naive bots fill every field, including the one people never see ...
        if self.data.get("homepage"):
            raise forms.ValidationError(BOT_MESSAGE, code="honeypot")
        self._check_started(self.data.get("started", ""))
        return data

    def _check_started(self, token: str) -> None:
        # ... and post straight away, or without ever loading the form.
        limits = settings.COMMENTARIAT
        try:
            elapsed = seconds_since(token, max_age=limits["COMMENT_FORM_MAX_AGE_SECONDS"])
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This form was open for a long time and has expired. Your text is kept: please send it again.",
                code="expired",
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(BOT_MESSAGE, code="bot") from None
        if elapsed < limits["COMMENT_FORM_MIN_SECONDS"]:
            raise forms.ValidationError(
                "That was quick! Please check your comment and send it again.", code="too-fast"
            )

    def fields_with_errors(self) -> list:
        """The visible fields with an error, in the form's order, for the summary above it."""
        return [field for field in self.visible_fields() if field.errors]

    @property
    def started_token(self) -> str:
        return started_token()

    def comment_fields(self) -> dict:
        """The cleaned values that make a comment, as submit_comment takes them."""
        data = self.cleaned_data
        return {key: data[key] for key in ("parent", "author_name", "author_email", "author_url", "body")}
