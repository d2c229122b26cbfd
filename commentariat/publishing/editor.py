"""The writers' editor: list, write and schedule posts with a live Markdown preview."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from .forms import PostEditorForm
from .images import image_dir, store_image
from .models import Post


def _editors_only(view):
    return login_required(permission_required("publishing.change_post", raise_exception=True)(view))


@_editors_only
@require_safe
def post_index(request):
    posts = Post.objects.select_related("author").order_by("-updated_at")[:200]
    now = timezone.now()
    return render(request, "publishing/editor/index.html", {"posts": posts, "now": now})


@_editors_only
def post_edit(request, pk=None):
    post = get_object_or_404(Post, pk=pk) if pk else Post(author=request.user)
    form = PostEditorForm(request.POST or None, request.FILES or None, instance=post, user=request.user)
    preview_html = None
    status = 200
    if request.method == "POST":
        image_markdown = ""
        if form.is_valid():
            try:
                image_markdown = _attach_image(form)
            except ValidationError:
                status = 400
        if form.is_valid() and status == 200:
            if image_markdown:
                form.instance.body = f"{form.cleaned_data['body'].rstrip()}\n\n{image_markdown}\n"
            if "preview" in request.POST:
                preview_html = Post(
                    body=form.instance.body, body_format=form.instance.body_format
                ).render_body()
            else:
                saved = form.save_post()
                return redirect("publishing:editor-edit", pk=saved.pk)
        elif status == 200:
            status = 400
    context = {"form": form, "post": post, "preview_html": preview_html}
    return render(request, "publishing/editor/edit.html", context, status=status)


def _attach_image(form) -> str:
    upload = form.cleaned_data.get("image")
    if not upload:
        return ""
    try:
        stored = store_image(upload)
    except ValidationError as error:
        form.add_error("image", error)
        raise
    alt = form.cleaned_data.get("title", "")[:80].replace("]", "")
    return f"![{alt}]({stored.url})"


@_editors_only
@require_POST
def preview(request):
    """The body as readers will see it (sanitized HTML), for the live preview."""
    body = request.POST.get("body", "")[:500_000]
    body_format = request.POST.get("body_format")
    if body_format not in Post.BodyFormat.values:
        body_format = Post.BodyFormat.MARKDOWN
    html = Post(body=body, body_format=body_format).render_body()
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_safe
def media_image(request, name):
    """An uploaded image; its name is its content's hash, so it may be cached for a year."""
    if "/" in name or name.startswith("."):
        raise Http404
    path = image_dir() / name
    if not path.is_file():
        raise Http404("No such image.")
    response = FileResponse(path.open("rb"))
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
