import unicodedata

from django import forms


def _printable(value: str) -> bool:
    return not any(unicodedata.category(ch).startswith("C") for ch in value)


class EmailPostForm(forms.Form):
    recipient = forms.EmailField(label="Their email address", max_length=254)
    sender_name = forms.CharField(label="Your name", max_length=80)
    note = forms.CharField(
        label="A short note (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Hidden from people; bots that fill every field give themselves away.
    homepage = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_sender_name(self):
        name = self.cleaned_data["sender_name"].strip()
        if not _printable(name):
            raise forms.ValidationError("Please give your name on one line, without special characters.")
        return name

    def clean_note(self):
        note = self.cleaned_data["note"].replace("\r\n", "\n")
        if not _printable(note.replace("\n", " ")):
            raise forms.ValidationError("The note has characters that cannot be sent.")
        return note

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage"):
            raise forms.ValidationError("This message could not be sent.")
        return cleaned
