from django.contrib import admin, messages

from .models import Comment
from .services import approve_comment, remove_comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["number", "author_name", "author_email", "post", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["author_name", "author_email", "body"]
    raw_id_fields = ["post", "parent"]
    # Status changes go through the services (numbering, counts), never a bare field edit.
    readonly_fields = ["status", "number", "depth", "published_at", "ip_address", "user_agent",
                       "decided_by", "decided_status", "decided_at"]  # fmt: skip
    actions = ["approve_selected", "remove_selected"]

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve_selected(self, request, queryset):
        for comment in queryset.select_related("post", "parent"):
            approve_comment(comment=comment, by=request.user)
        self.message_user(request, f"Approved {queryset.count()} comment(s).", messages.SUCCESS)

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove_selected(self, request, queryset):
        for comment in queryset:
            remove_comment(comment=comment, by=request.user)
        self.message_user(request, f"Removed {queryset.count()} comment(s).", messages.SUCCESS)
