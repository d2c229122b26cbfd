import ipaddress
from datetime import timedelta

from django import forms

from commentariat.core import clock
from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

from .models import ModerationAction, ModerationPolicy, ModeratorPreferences, Report, Sanction

DECISIONS = [
    ModerationAction.Kind.APPROVE,
    ModerationAction.Kind.SPAM,
    ModerationAction.Kind.REMOVE,
    ModerationAction.Kind.HOLD,
]


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("pending", "Awaiting review"),
        ("approved", "Approved"),
        ("spam", "Spam"),
        ("removed", "Removed"),
        ("withdrawn", "Deleted by their authors"),
        ("all", "All"),
    ]
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    post = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, label="Reason contains")
    commenter = forms.CharField(required=False, label="Commenter (name, email or IP)")
    q = forms.CharField(required=False, label="Text contains")
    reported = forms.ChoiceField(
        choices=[("", "—"), ("any", "Any reason"), *Report.Reason.choices], required=False, label="Reported for"
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(kind.value, kind.label) for kind in DECISIONS])
    reason = forms.CharField(required=False, max_length=500)
    # The comment's state_version on the moderator's page; a decision on an outdated page is refused.
    seen_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    force = forms.BooleanField(required=False, label="Decide anyway")

    def decide_arguments(self) -> dict:
        """The keyword arguments of decide_comment."""
        data = self.cleaned_data
        return {"decision": data["decision"], "reason": data["reason"],
                "seen_version": data.get("seen_version"), "force": data.get("force", False)}  # fmt: skip


class BulkDecisionForm(DecisionForm):
    ids = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.all(),
        to_field_name="pk",
        error_messages={"required": "Select at least one comment (x)."},
    )

    def seen_version(self, comment) -> int | None:
        """The version of this comment the page showed (each item sends seen-<id>)."""
        raw = self.data.get(f"seen-{comment.pk}", "")
        return int(raw) if raw.isdigit() else None


class EditCommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), label="Comment text")
    reason = forms.CharField(required=False, max_length=500, label="Why (for the log)")


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Your reply, as moderator")


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note (moderators only)")


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(choices=Sanction.Kind.choices)
    match_email = forms.BooleanField(required=False, initial=True, label="Match this email")
    match_ip = forms.CharField(required=False, label="Match IP address or network", max_length=50)
    match_name = forms.BooleanField(required=False, label="Match this name")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(required=False, min_value=1, label="For how many days (empty: no end)")
    remove_everything = forms.BooleanField(required=False, label="Also remove everything they wrote")

    def clean_match_ip(self):
        value = self.cleaned_data["match_ip"].strip()
        if value:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise forms.ValidationError(
                    "Enter an IP address or a network such as 192.0.2.0/24."
                ) from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == Sanction.Kind.SUSPEND and not data.get("days"):
            self.add_error("days", "A suspension needs an end: enter a number of days.")
        if not (data.get("match_email") or data.get("match_ip") or data.get("match_name")):
            raise forms.ValidationError("Choose what to match: the email, an IP or network, or the name.")
        return data

    def expires_at(self):
        days = self.cleaned_data.get("days")
        return clock.now() + timedelta(days=days) if days else None


class PolicyForm(forms.ModelForm):
    reason = forms.CharField(required=False, max_length=500, label="Why (for the log)")

    class Meta:
        model = ModerationPolicy
        fields = [
            "comments_enabled",
            "comments_disabled_message",
            "mode",
            "link_limit",
            "disallowed_terms",
            "moderation_terms",
            "watched_domains",
            "flood_limit_per_minute",
            "spam_threshold",
            "ham_threshold",
            "budget_spam_published",
            "budget_good_caught",
            "thresholds_follow_budget",
            "auto_close_days",
            "adaptive_enabled",
            "duty_start",
            "duty_end",
            "backlog_max_pending",
            "backlog_max_age_minutes",
            "strict_mode",
        ]
        widgets = {
            "duty_start": forms.TimeInput(attrs={"type": "time"}),
            "duty_end": forms.TimeInput(attrs={"type": "time"}),
            "disallowed_terms": forms.Textarea(attrs={"rows": 4}),
            "moderation_terms": forms.Textarea(attrs={"rows": 4}),
            "watched_domains": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        spam, ham = data.get("spam_threshold"), data.get("ham_threshold")
        if spam is not None and ham is not None and not 0 <= ham < spam <= 1:
            raise forms.ValidationError("Thresholds must satisfy 0 ≤ approve threshold < spam threshold ≤ 1.")
        return data


class ThreadForm(forms.ModelForm):
    reason = forms.CharField(required=False, max_length=500, label="Why (for the log)")

    class Meta:
        model = Post
        fields = ["comments_open", "comment_mode", "moderation_note"]
        labels = {"comments_open": "Comments open on this post", "comment_mode": "Moderation on this post",
                  "moderation_note": "Note to readers, shown above the comment form"}  # fmt: skip
        help_texts = {"moderation_note": "For example: “Comments here are read before they appear, because …”. "
                                         "Public: in the page and the API."}  # fmt: skip
        widgets = {"moderation_note": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}


class ShortcutsForm(forms.ModelForm):
    class Meta:
        model = ModeratorPreferences
        fields = ["shortcuts"]
        labels = {"shortcuts": "Keyboard shortcuts"}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong with it?")
    explanation = forms.CharField(
        required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 4}), label="Explanation",
        help_text="Required for illegal content: which law, and why this comment breaks it.",
    )
    email = forms.EmailField(
        required=False, label="Your email (optional; needed for illegal content)",
        help_text="For a confirmation, and for illegal-content reports, the decision. Not published, not shown to the commenter.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("reason") == Report.Reason.ILLEGAL:
            if not (data.get("explanation") or "").strip():
                self.add_error("explanation", "Say why this comment is illegal, so that a moderator can judge it.")
            if not data.get("email"):
                self.add_error("email", "Give an address to hear the decision on an illegal-content report.")
        return data
