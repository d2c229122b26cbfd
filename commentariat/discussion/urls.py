from django.urls import path

from . import views

app_name = "discussion"

urlpatterns = [
    path("<int:year>/<int:month>/<slug:slug>/", views.post_detail, name="post-detail"),
    path("<int:year>/<int:month>/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("comments/<int:pk>/", views.comment_permalink, name="comment-permalink"),
]
