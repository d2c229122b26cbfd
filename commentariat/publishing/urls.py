from django.urls import path

from . import editor, views
from .feeds import AuthorFeed, CategoryFeed, LatestPostsFeed, TagFeed, atom

app_name = "publishing"

urlpatterns = [
    path("", views.post_list, name="post-list"),
    path("<int:year>/<int:month>/", views.post_archive_month, name="archive-month"),
    path("feed/", LatestPostsFeed(), name="feed"),
    path("feed/atom/", atom(LatestPostsFeed)(), name="feed-atom"),
    path("category/<uslug:slug>/", views.category_posts, name="category"),
    path("category/<uslug:slug>/feed/", CategoryFeed(), name="category-feed"),
    path("category/<uslug:slug>/feed/atom/", atom(CategoryFeed)(), name="category-feed-atom"),
    path("tag/<uslug:slug>/", views.tag_posts, name="tag"),
    path("tag/<uslug:slug>/feed/", TagFeed(), name="tag-feed"),
    path("tag/<uslug:slug>/feed/atom/", atom(TagFeed)(), name="tag-feed-atom"),
    path("author/<str:username>/", views.author_posts, name="author"),
    path("author/<str:username>/feed/", AuthorFeed(), name="author-feed"),
    path("author/<str:username>/feed/atom/", atom(AuthorFeed)(), name="author-feed-atom"),
    path("unlock/<int:pk>/", views.post_unlock, name="post-unlock"),
    path("editor/", editor.post_index, name="editor"),
    path("editor/new/", editor.post_edit, name="editor-new"),
    path("editor/<int:pk>/", editor.post_edit, name="editor-edit"),
    path("editor/preview/", editor.preview, name="editor-preview"),
    path("media/images/<str:name>", editor.media_image, name="media-image"),
]
