from django.urls import path

from . import views

app_name = "discussion"

urlpatterns = [
    path("<int:year>/<int:month>/<slug:slug>/", views.post_detail, name="post-detail"),
    path("<int:year>/<int:month>/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("comments/<int:pk>/", views.comment_permalink, name="comment-permalink"),
]

# Pages (/about/) take any one-segment address: the project's URLconf lists them last.
page_urlpatterns = [
    path("<slug:slug>/", views.page_detail, name="page-detail"),
    path("<slug:slug>/comments/", views.page_comment_create, name="page-comment-create"),
]
