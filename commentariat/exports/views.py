from urllib.parse import quote, urlencode

from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.http import require_safe

from commentariat.core.links import site_url
from commentariat.core.net import client_ip
from commentariat.publishing.selectors import get_readable_post_or_404

from .forms import EmailPostForm
from .mail import EmailLimited, email_post, mail_configured
from .pdf import post_pdf
from .printing import print_document


def _with_comments(request) -> bool:
    return request.GET.get("comments") in ("1", "yes", "on")


@require_safe
def print_view(request, year, month, slug):
    post = get_readable_post_or_404(request, year=year, month=month, slug=slug)
    url = site_url(post.get_absolute_url())
    return HttpResponse(print_document(post, with_comments=_with_comments(request), url=url))


@require_safe
def pdf_view(request, year, month, slug):
    post = get_readable_post_or_404(request, year=year, month=month, slug=slug)
    url = site_url(post.get_absolute_url())
    pdf = post_pdf(post, with_comments=_with_comments(request), url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{post.slug}.pdf"'
    return response


def email_view(request, year, month, slug):
    post = get_readable_post_or_404(request, year=year, month=month, slug=slug)
    url = site_url(post.get_absolute_url())
    context = {
        "post": post,
        "mail_configured": mail_configured(),
        "mailto": _mailto(post, url),
        "sent": False,
    }
    status = 200
    form = EmailPostForm(request.POST or None)
    if request.method == "POST" and context["mail_configured"]:
        if form.is_valid():
            try:
                email_post(
                    post=post, recipient=form.cleaned_data["recipient"], url=url, ip=client_ip(request),
                    sender_name=form.cleaned_data["sender_name"], note=form.cleaned_data["note"],
                )  # fmt: skip
                context["sent"] = True
            except EmailLimited as error:
                form.add_error(None, str(error))
                status = 429
        else:
            status = 400
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    response = render(request, "exports/email_form.html", {**context, "form": form}, status=status)
    if status == 429:
        response["Retry-After"] = "3600"
    return response


def _mailto(post, url: str) -> str:
    return "mailto:?" + urlencode(
        {"subject": post.title, "body": f"{post.summary}\n\n{url}"}, quote_via=quote
    )
