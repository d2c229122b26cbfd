from django.contrib import admin

from .models import Category, OldAddress, Post, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "status",
        "published_at",
        "comments_open",
        "comment_mode",
        "comment_count",
    ]
    list_filter = ["kind", "status", "comments_open", "comment_mode", "categories"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["categories", "tags"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    """Old addresses that redirect to a post; an operator may add or correct one here."""

    list_display = ["address", "post"]
    search_fields = ["address", "post__title"]
    raw_id_fields = ["post"]
