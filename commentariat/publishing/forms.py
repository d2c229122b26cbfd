from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from .images import check_pixel_count
from .models import RESERVED_PAGE_SLUGS, Category, Post
from .services import save_post


class ImageUploadField(forms.ImageField):
    """Django's image field, with the pixel count checked from the header before it opens the file."""

    def to_python(self, data):
        if data:
            check_pixel_count(data)
        return super().to_python(data)


class PostEditorForm(forms.ModelForm):
    """What a writer sets on a post. A publish time in the future schedules it."""

    tag_names = forms.CharField(
        label="Tags", required=False, help_text="Separated by commas.", max_length=500
    )
    publish_at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Empty: now, when the status is Published. A future time publishes the post by itself.",
    )
    image = ImageUploadField(
        label="Add an image", required=False, help_text="JPEG, PNG, GIF or WebP, up to 10 MB."
    )

    class Meta:
        model = Post
        fields = [
            "title",
            "slug",
            "kind",
            "excerpt",
            "body",
            "categories",
            "author",
            "status",
            "comments_open",
            "password",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 22, "class": "editor-body"}),
            "excerpt": forms.Textarea(attrs={"rows": 2}),
            "categories": forms.CheckboxSelectMultiple,
            # Writers share it with their readers: shown as typed, like WordPress's editor.
            "password": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {"slug": "Part of the address; made from the title when empty."}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password"].strip = False  # kept as typed, as WordPress keeps it (and imports bring it)
        self.fields["slug"].required = False
        self.fields["author"].required = False  # the writer, unless another is chosen
        self.fields["categories"].queryset = Category.objects.all()
        self.fields["author"].queryset = get_user_model().objects.filter(is_staff=True).order_by("username")
        self.fields["body"].help_text = (
            "Markdown: blank lines make paragraphs, > quotes, [text](https://…) links. A YouTube, Vimeo, X, "
            "Bluesky or Mastodon link alone on a line becomes a card that loads nothing until clicked."
        )
        if not self.instance.pk and user is not None:
            self.initial.setdefault("author", user.pk)
        if self.instance.pk:
            self.initial["tag_names"] = ", ".join(self.instance.tags.values_list("name", flat=True))
            if self.instance.published_at:
                self.initial["publish_at"] = timezone.localtime(self.instance.published_at)

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title", ""))[:190]
        if not slug:
            raise forms.ValidationError("Please give the post a title or an address.")
        if self.cleaned_data.get("kind") == Post.Kind.PAGE and slug in RESERVED_PAGE_SLUGS:
            raise forms.ValidationError(
                f"“{slug}” is taken by the site itself; please choose another address."
            )
        if Post.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another post has this address; please choose another.")
        return slug

    def clean_tag_names(self):
        names = [name.strip() for name in self.cleaned_data["tag_names"].split(",")]
        return [name[:200] for name in names if name]

    def save_post(self) -> Post:
        post = super().save(commit=False)
        if post.author_id is None:
            post.author = self.user
        return save_post(post=post, publish_at=self.cleaned_data.get("publish_at"),
                         tag_names=self.cleaned_data["tag_names"], categories=self.cleaned_data["categories"])  # fmt: skip
