from django.contrib import admin
from django.urls import include, path

from commentariat.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("moderation/", include("commentariat.moderation.urls")),
    path("", include("commentariat.discussion.urls")),
    path("", include("commentariat.publishing.urls")),
]

handler404 = "commentariat.core.views.page_not_found"
handler500 = "commentariat.core.views.server_error"
