from django.urls import path

from . import live_views, views
from .feeds import AtomLatestCommentsFeed, AtomPostCommentsFeed, LatestCommentsFeed, PostCommentsFeed

app_name = "discussion"

urlpatterns = [
    path("<int:year>/<int:month>/<uslug:slug>/", views.post_detail, name="post-detail"),
    path("<int:year>/<int:month>/<uslug:slug>/comments/", views.comment_create, name="comment-create"),
    path("<int:year>/<int:month>/<uslug:slug>/feed/", PostCommentsFeed(), name="post-comments-feed"),
    path(
        "<int:year>/<int:month>/<uslug:slug>/feed/atom/",
        AtomPostCommentsFeed(),
        name="post-comments-feed-atom",
    ),
    path("<int:year>/<int:month>/<uslug:slug>/follow/", views.follow_discussion, name="follow"),
    path("notifications/confirm/<str:token>/", views.subscription_confirm, name="subscription-confirm"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/<int:pk>/", views.comment_permalink, name="comment-permalink"),
    path("comments/goto/<int:pk>/", views.comment_goto, name="comment-goto"),
    path("comments/form-started/", views.form_started, name="form-started"),
    path("comments/held/<int:pk>/", views.held_comments, name="held-comments"),
    path("comments/<int:pk>/quote/", views.comment_quote, name="comment-quote"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("live/posts/<int:pk>/comments/", live_views.live_comments, name="live-comments"),
    path("live/posts/<int:pk>/events/", live_views.live_events, name="live-events"),
    path("comments/feed/", LatestCommentsFeed(), name="comments-feed"),
    path("comments/feed/atom/", AtomLatestCommentsFeed(), name="comments-feed-atom"),
]

# Pages (/about/) take any one-segment address: the project's URLconf lists them last. A child
# page lives under its parents (/about/team/); its own slug is unique, so it is found by that.
page_urlpatterns = [
    path("<uslug:slug>/", views.page_detail, name="page-detail"),
    path("<uslug:slug>/comments/", views.page_comment_create, name="page-comment-create"),
    path("<pagepath:ancestors>/<uslug:slug>/", views.page_detail, name="child-page-detail"),
]
