from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from commentariat.api import embed
from commentariat.api.site import api
from commentariat.core.health import healthz
from commentariat.core.views import favicon, robots_txt
from commentariat.discussion.urls import page_urlpatterns
from commentariat.moderation.views import own_data
from commentariat.moderation.views.appeals import appeal
from commentariat.moderation.views.reports import report_comment
from commentariat.publishing.sitemaps import PostSitemap

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin's).
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"posts": PostSitemap}}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("embed.js", embed.embed_script, name="embed-script"),
    path("embed/thread", embed.thread, name="embed-thread"),
    path("embed/comments", embed.comments, name="embed-comments"),
    path("moderation/", include("commentariat.moderation.urls")),
    path("comments/<int:pk>/report/", report_comment, name="comment-report"),
    path("comments/my-data/", own_data.ask, name="own-data"),
    path("comments/appeal/<str:token>/", appeal, name="appeal"),
    path("comments/my-data/<str:token>/", own_data.link, name="own-data-link"),
    path("", include("commentariat.discussion.urls")),
    path("", include("commentariat.exports.urls")),
    path("", include("commentariat.search.urls")),
    path("", include("commentariat.publishing.urls")),
    path("", include((page_urlpatterns, "pages"))),
]

handler404 = "commentariat.core.views.page_not_found"
handler500 = "commentariat.core.views.server_error"
