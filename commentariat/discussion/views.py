from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import iri_to_uri
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from commentariat.core.archive_mode import ARCHIVED_NOTE, is_static_archive
from commentariat.core.csrf import csrf_by_origin
from commentariat.core.net import client_ip
from commentariat.core.page_cache import cache_page_as
from commentariat.publishing import visibility as post_visibility
from commentariat.publishing.models import Post
from commentariat.publishing.selectors import (
    get_published_page_or_404,
    get_published_post_or_404,
    get_readable_post_or_404,
)
from commentariat.publishing.views import render_locked_post

from . import commenter, edit_window, live, notifications, refusals
from .exceptions import CommentRefused, DuplicateComment, EditClosed
from .forms import CommentForm, form_started_token
from .models import Comment
from .screening import comments_closed_message, get_screener
from .services import delete_own_comment, edit_own_comment, quote_in_new_post, submit_comment
from .services.status import author_refusal
from .structured_data import post_structured_data
from .threads import PageOutOfRange, thread_page


@require_safe
def post_detail(request, year, month, slug):
    post = get_published_post_or_404(year=year, month=month, slug=slug)
    return render_post_page(request, _cached_as_post(request, post))


@require_safe
def page_detail(request, slug, ancestors=""):
    page = get_published_page_or_404(slug=slug)
    if page.parent_id is not None or ancestors:
        # A child page answers at its full address only; its bare slug or a stale parent redirects.
        address = page.get_absolute_url()
        if address != iri_to_uri(request.path):
            return redirect(address, permanent=True)
    return render_post_page(request, _cached_as_post(request, page))


def _cached_as_post(request, post: Post) -> Post:
    """Mark the page cacheable under the post's scope; when it will be stored, read the post again
    after the scope's version, so that an edit committed in between cannot be stored as current.

    Read again as published: the first read may come from a lagging replica, and a post taken
    back to draft meanwhile must answer 404, not be stored as a page under the new version."""
    if cache_page_as(request, f"post:{post.pk}"):
        post = get_object_or_404(Post.objects.published().select_related("author"), pk=post.pk)
    return post


@never_cache
@require_safe
def held_comments(request, pk):
    """This browser's comments awaiting moderation on a post, for the script of a page from a
    shared cache (which cannot hold them): {"comments": [{id, parent_id, html}]}; the session
    says which are this reader's."""
    post = get_object_or_404(Post.objects.published(), pk=pk)
    if not post_visibility.may_read(request, post):
        raise Http404("No such thread.")
    return JsonResponse({"comments": live.held_comments(post, commenter.pending_comment_ids(request))})


@never_cache
@require_safe
def form_started(request):
    """A fresh signed start time for the comment form, asked by its script when the reader first
    focuses it: the one in a shared page is when the page was made (discussion/forms.py)."""
    return HttpResponse(form_started_token(), content_type="text/plain; charset=utf-8")


@csrf_by_origin  # the form is on pages every anonymous reader shares (core/csrf.py)
@require_POST
def comment_create(request, year, month, slug):
    return _create_comment(request, get_published_post_or_404(year=year, month=month, slug=slug))


@csrf_by_origin
@require_POST
def page_comment_create(request, slug):
    return _create_comment(request, get_published_page_or_404(slug=slug))


def _create_comment(request, post: Post):
    if not post_visibility.may_read(request, post):
        return render_locked_post(
            request, post, error="Enter the post's password before commenting.", status=403
        )
    form = CommentForm(request.POST, post=post)
    if not form.is_valid():
        refusals.note_form_refusal(request, form, post=post)
        return render_post_page(request, post, comment_form=form, status=400)
    try:
        comment = submit_comment(
            post=post,
            **form.comment_fields(),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except DuplicateComment as duplicate:
        if edit_window.may_edit(request, duplicate.earlier.pk):
            # The same browser sent the form twice: show it the comment it already wrote.
            return redirect(duplicate.earlier.get_absolute_url())
        refusals.note(request, "duplicate", post=post, fields=form.cleaned_data)
        return _refused(request, post, form, duplicate)
    except CommentRefused as error:
        refusals.note_refused(request, error, post=post, fields=form.cleaned_data)
        return _refused(request, post, form, error)
    except ValidationError as error:
        _add_field_errors(form, error)
        return render_post_page(request, post, comment_form=form, status=400)
    return _submitted(request, form, post, comment)


def _refused(request, post: Post, form: CommentForm, error: CommentRefused):
    form.add_error(None, str(error))
    response = render_post_page(request, post, comment_form=form, status=error.status_code)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _submitted(request, form: CommentForm, post: Post, comment: Comment):
    # Spam shows to its author as awaiting moderation too: a wrongly caught reader is
    # reassured, and a spammer learns nothing about the filter.
    held = comment.status in (Comment.Status.PENDING, Comment.Status.SPAM)
    if held:
        commenter.add_pending_comment(request, comment.pk)
    if form.cleaned_data.get("notify") and comment.status != Comment.Status.SPAM:
        proven = commenter.has_proven_address(request, comment.author_email)
        notifications.subscribe(email=comment.author_email, post=post, comment=comment, address_proven=proven)
    response = redirect(comment.get_absolute_url())
    if held:
        commenter.mark_held(request, response, post.pk)
    edit_window.grant(request, response, comment.pk)
    if form.cleaned_data["remember"]:
        commenter.remember_details(response, form.cleaned_data)
    else:
        commenter.forget_details(response)
    return response


@require_safe
def comment_permalink(request, pk):
    """The comment in its thread; a comment that is no longer public answers 410 with the thread at
    its place and a note saying so (a redirect would send the browser to a page without it)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    post = comment.post
    if not post.is_published() or comment.kind != Comment.Kind.COMMENT:
        raise Http404("No comment here.")
    if comment.is_public:
        return redirect(comment.get_absolute_url())
    if not comment.number and comment.status == Comment.Status.PENDING:
        raise Http404("No comment here.")  # never public: nothing to say about it
    # Held back for review (it may return): 404; removed, spam or deleted by its author: 410.
    status = 404 if comment.status == Comment.Status.PENDING else 410
    if not post_visibility.may_read(request, post):
        return render_locked_post(request, post, status=status)
    page = comment.page_number() if comment.number else 1
    return render_post_page(request, post, status=status, page=page, gone=comment)


@require_safe
def comment_goto(request, pk):
    """'Go to comment 12.3': the comment with that number in the post's thread, wherever it is."""
    post = get_object_or_404(Post.objects.published(), pk=pk)
    number = request.GET.get("number", "").strip().rstrip(".")
    comment = (
        Comment.objects.numbered().filter(post=post, number=number).only("pk").first() if number else None
    )
    if comment is None or not post_visibility.may_read(request, post):
        message = (
            f"There is no comment {number} in this discussion."
            if number
            else "Give a comment's number, like 12.3."
        )
        return _notice(request, "Go to comment", message, post=post, status=404)
    return redirect("discussion:comment-permalink", pk=comment.pk)


def _edit_refused(request, comment: Comment, message: str):
    context = {"comment": comment, "expired": True, "message": message}
    return render(request, "discussion/comment_edit.html", context, status=403)


def comment_edit(request, pk):
    """The author edits their comment within the edit window (a signed cookie proves it)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not edit_window.may_edit(request, comment.pk):
        return _edit_refused(request, comment, "")
    if refusal := author_refusal(comment):
        return _edit_refused(request, comment, refusal)
    error, status, body = "", 200, comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            edited = edit_own_comment(comment=comment, body=body)
        except ValidationError as invalid:
            error, status = " ".join(invalid.messages), 400
        except EditClosed as closed:
            return _edit_refused(request, comment, str(closed))
        else:
            response = redirect(edited.get_absolute_url())
            if not edited.is_public:
                commenter.add_pending_comment(request, edited.pk)
                commenter.mark_held(request, response, edited.post_id)
            return response
    context = {"comment": comment, "body": body, "error": error,
               "seconds_left": edit_window.editable_ids(request).get(comment.pk, 0)}  # fmt: skip
    return render(request, "discussion/comment_edit.html", context, status=status)


@require_POST
def comment_delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not edit_window.may_edit(request, comment.pk):
        return _edit_refused(request, comment, "")
    try:
        delete_own_comment(comment=comment)
    except EditClosed as closed:
        return _edit_refused(request, comment, str(closed))
    return redirect(f"{comment.post.get_absolute_url()}#comments")


@login_required
@permission_required("publishing.add_post", raise_exception=True)
def comment_quote(request, pk):
    """GET: what the new post will quote; POST: start the draft and open it in the editor."""
    comment = get_object_or_404(Comment.objects.shown_in_thread().select_related("post"), pk=pk)
    if request.method == "POST":
        post = quote_in_new_post(comment=comment, user=request.user)
        return redirect("publishing:editor-edit", pk=post.pk)
    return render(request, "discussion/quote_confirm.html", {"comment": comment})


def quoted_in(post: Post, comment_ids) -> dict[int, list[Post]]:
    """Published posts quoting each of these comments of the post."""
    # Few comments are ever quoted: the post's links alone first, found by the post rather
    # than by a list of every id on the page (hundreds on a long thread); posts only if any.
    wanted = set(comment_ids)
    links = [
        (comment_id, post_id)
        for comment_id, post_id in Comment.quoted_in.through.objects.filter(comment__post_id=post.pk)
        .order_by("pk")
        .values_list("comment_id", "post_id")
        if comment_id in wanted
    ]
    if not links:
        return {}
    posts = Post.objects.published().in_bulk({post_id for _, post_id in links})
    found: dict[int, list[Post]] = {}
    for comment_id, post_id in links:
        if post_id in posts:
            found.setdefault(comment_id, []).append(posts[post_id])
    return found


def render_post_page(request, post: Post, *, comment_form: CommentForm | None = None, status=200,
                     page: int | None = None, gone: Comment | None = None):  # fmt: skip
    """The reader's page: the post, one page of its thread, and the comment form (or, for a
    protected post this reader has not unlocked, the password form).

    gone: a comment no longer public that the page is asked for; its place shows a note.
    """
    if not post_visibility.may_read(request, post):
        return render_locked_post(request, post, status=status if status != 200 else 200)
    try:
        thread = thread_page(
            post, page or _page_number(request), pending_ids=commenter.pending_comment_ids(request),
            order=request.GET.get("order", "oldest") if gone is None else "oldest",
            placeholder_ids=[gone.pk] if gone is not None and gone.number else (),
        )  # fmt: skip
    except PageOutOfRange:
        raise Http404("No such page of comments.") from None
    if comment_form is None:
        remembered = commenter.remembered_details(request)
        comment_form = CommentForm(post=post, initial={**remembered, "remember": bool(remembered)})
    reply_to = _reply_target(request, post, comment_form)
    if reply_to is not None and not comment_form.is_bound:
        comment_form.initial["parent"] = reply_to.pk
    screener = get_screener()
    closed_message = comments_closed_message(post, screener)
    if is_static_archive(request):  # the static export: no form, no reply links, a closing line
        closed_message = ARCHIVED_NOTE
    context = {
        "post": post,
        "quoted_in": quoted_in(post, (comment.id for comment in thread.public_comments())),
        "can_quote": request.user.has_perm("publishing.add_post"),
        "can_pick": request.user.has_perm("moderation.moderate_comments"),
        "picks": list(
            Comment.objects.picks().filter(post=post).only("id", "number", "author_name", "body_html")[:10]
        ),
        "editable": edit_window.editable_ids(request),
        "comments_open": closed_message is None,
        "closed_message": closed_message,
        "reader_notice": screener.reader_notice(post) if closed_message is None else "",
        "thread": thread,
        "comment_form": comment_form,
        "reply_to": reply_to,
        "removed_count": thread.counts.removed,
        "gone": gone,
        "live": _live_context(post, thread),
        "structured_data": post_structured_data(
            post, thread, url=request.build_absolute_uri(post.get_absolute_url())
        ),
    }
    return render(request, "discussion/post_detail.html", context, status=status)


def _live_context(post: Post, thread) -> dict | None:
    """What the page's live updates start from, and where a new top-level comment would go
    on this page ("end", "start", or "" when on another page)."""
    if not live.enabled():
        return None
    newest_page = 1 if thread.order == "newest" else thread.num_pages
    append = "" if thread.order == "replies" or thread.number != newest_page else "end"
    return {
        "after": thread.counts.latest_shown_id,
        "append": "start" if append and thread.order == "newest" else append,
        "poll_seconds": settings.COMMENTARIAT["LIVE_POLL_SECONDS"],
    }


def _page_number(request) -> int:
    try:
        return int(request.GET.get("cpage", 1))
    except ValueError:
        raise Http404("No such page of comments.") from None


def _reply_target(request, post, form) -> Comment | None:
    """The comment the form answers: from ?replytocom= (links without JavaScript) or a re-shown form."""
    if form.is_bound:
        parent = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        return parent if isinstance(parent, Comment) else None
    raw = request.GET.get("replytocom", "")
    if not raw.isdigit():
        return None
    shown = Comment.objects.shown_in_thread()
    return shown.filter(post=post, pk=int(raw)).only("id", "author_name", "number").first()


def _add_field_errors(form: CommentForm, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


FOLLOWING = "Done: you will get an email for each new comment on this post."
CHECK_INBOX = (
    "Check your inbox: unless this address already follows this discussion, a message with a link "
    "to confirm is on its way. Nothing is sent to the address until the link is used."
)


@csrf_by_origin
@require_POST
def follow_discussion(request, year, month, slug):
    """Every new comment on this post, by email (after confirming the address)."""
    post = get_readable_post_or_404(request, year=year, month=month, slug=slug)
    email = request.POST.get("email", "").strip()
    try:
        EmailValidator()(email)
    except ValidationError:
        return _notice(
            request, "Follow this discussion", "Please give a valid email address.", post=post, status=400
        )
    proven = commenter.has_proven_address(request, email)
    notifications.subscribe(email=email, post=post, address_proven=proven)
    # The same answer for every address, whether it follows this post, confirmed others or is new:
    # only the browser that proved it reads the address is told more.
    return _notice(request, "Follow this discussion", FOLLOWING if proven else CHECK_INBOX, post=post)


def subscription_confirm(request, token):
    subscription = notifications.subscription_from_token(token, purpose="confirm")
    if subscription is None:
        return _notice(
            request, "Confirm notifications", "This link is not valid, or has expired.", status=400
        )
    if request.method == "POST":
        notifications.confirm(subscription)
        response = _notice(request, "Confirmed", "Thank you: notifications are on.", post=subscription.post)
        commenter.prove_address(request, response, subscription.email)
        return response
    return _notice(request, "Confirm notifications", f"Send notifications to {subscription.email}?",
                   post=subscription.post, button="Yes, confirm")  # fmt: skip


@csrf_exempt  # the token is the proof; mail programs send RFC 8058 one-click POSTs without a page
def unsubscribe(request, token):
    subscription = notifications.subscription_from_token(token, purpose="unsubscribe")
    if subscription is None:
        # A second click on the same link finds nothing: that is what the reader wanted.
        return _notice(request, "Unsubscribe", "You are not subscribed (any more).")
    if request.method == "POST":
        notifications.unsubscribe(subscription)
        return _notice(
            request, "Unsubscribed", "You will get no more emails about this.", post=subscription.post
        )
    return _notice(request, "Unsubscribe", f"Stop emails to {subscription.email} about “{subscription.post.title}”?",
                   post=subscription.post, button="Unsubscribe")  # fmt: skip


def _notice(request, title, message, *, post=None, button="", status=200):
    context = {"title": title, "message": message, "post": post, "button": button}
    return render(request, "discussion/notice.html", context, status=status)
