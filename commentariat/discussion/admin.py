from django.contrib import admin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["number", "author_name", "author_email", "post", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["author_name", "author_email", "body"]
    raw_id_fields = ["post", "parent"]
    readonly_fields = ["number", "depth", "published_at", "ip_address", "user_agent"]
