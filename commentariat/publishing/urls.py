from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.post_list, name="post-list"),
    path("<int:year>/<int:month>/", views.post_archive_month, name="archive-month"),
]
