"""The audit log, refused comments, thread settings, the policy and the email digest."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from commentariat.publishing.models import Post

from .. import digest, error_budget, refusals, services
from ..forms import PolicyForm, ShortcutsForm, ThreadForm
from ..models import DigestSubscriber, ModerationAction, ModerationPolicy, ModeratorPreferences
from .common import staff_view


@staff_view()
def audit_log(request):
    actions = ModerationAction.objects.select_related("actor", "comment", "post")
    kind, actor = request.GET.get("kind", ""), request.GET.get("actor", "")
    if kind:
        actions = actions.filter(kind=kind)
    if actor == "system":
        actions = actions.filter(actor__isnull=True)
    elif actor:
        actions = actions.filter(actor__username=actor)
    if subject := request.GET.get("subject", "").strip():
        actions = actions.filter(subject__icontains=subject)
    page = Paginator(actions, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/audit_log.html",
        {
            "page_obj": page,
            "kinds": ModerationAction.Kind.choices,
            "kind": kind,
            "actor": actor,
            "subject": request.GET.get("subject", ""),
        },
    )


@staff_view()
def thread_settings(request, pk):
    """A post's discussion: open or closed, its moderation mode, and a public note to its readers."""
    post = get_object_or_404(Post, pk=pk)
    form = ThreadForm(request.POST or None, instance=Post.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        action = services.update_thread(post=post, changes=changes, by=request.user,
                                        reason=form.cleaned_data["reason"])  # fmt: skip
        messages.success(request, "Thread settings saved." if action else "Nothing changed.")
        return redirect("moderation:thread", pk=pk)
    return render(request, "moderation/thread_settings.html", {"post": post, "form": form})


@staff_view()
def refused_comments(request):
    """How often each rule refused a comment before it was stored, per day, with the latest examples."""
    return render(
        request, "moderation/refusals.html", {"days": refusals.summary(), "kept": refusals.RETENTION_DAYS}
    )


@staff_view("moderation.change_policy")
def policy_edit(request):
    policy = ModerationPolicy.current()
    # The form gets its own copy: validating a ModelForm writes onto its instance, and the
    # service needs the stored values to log each field's before and after.
    form = PolicyForm(request.POST or None, instance=ModerationPolicy.current())
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        action = services.update_policy(
            policy=policy, changes=changes, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Policy saved." if action else "Nothing changed.")
        return redirect("moderation:policy")
    context = {"form": form, "policy": policy, "fit": error_budget.latest_fit()}
    return render(request, "moderation/policy.html", context)


@require_POST
@staff_view()
def digest_toggle(request):
    """Ask for (or stop) the queue by email."""
    subscribed = DigestSubscriber.objects.filter(user=request.user)
    if subscribed.exists():
        subscribed.delete()
    else:
        DigestSubscriber.objects.create(user=request.user)
    return redirect("moderation:queue")


@require_POST
@staff_view()
def shortcuts_setting(request):
    """A moderator turns the queue's single-key shortcuts off, puts them behind Alt+Shift, or back on."""
    form = ShortcutsForm(request.POST, instance=ModeratorPreferences.for_user(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, f"Keyboard shortcuts: {form.instance.get_shortcuts_display()}.")
    else:
        messages.error(request, "Choose one of the keyboard shortcut settings.")
    return redirect("moderation:queue")


def digest_link(request, token):
    """An approve or spam link from a digest: a page with a button, then the decision."""
    link = digest.link_from_token(token)
    if link is None:
        return render(request, "moderation/digest_link.html", {"message": "This link is not valid, or has expired."},
                      status=400)  # fmt: skip
    if request.method == "POST":
        return render(
            request, "moderation/digest_link.html", {"message": digest.use_link(link), "link": link}
        )
    return render(request, "moderation/digest_link.html",
                  {"link": link, "ask": True, "question": digest.question(link)})  # fmt: skip
