from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static

from .csrf import refused_cross_origin


def csrf_failure(request, reason=""):
    context = {"cross_origin": refused_cross_origin(reason)}
    return render(request, "403_csrf.html", context, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: nothing that failed once gets a second chance to fail.
    return HttpResponseServerError(loader.get_template("500.html").render())


def favicon(request):
    return HttpResponsePermanentRedirect(static("commentariat/favicon.svg"))


def robots_txt(request):
    """Crawlers may read everything public; staff pages are none of their business."""
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /moderation/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
