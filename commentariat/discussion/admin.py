from django.contrib import admin, messages

from commentariat.moderation.exceptions import ClaimedByOther
from commentariat.moderation.models import ModerationAction
from commentariat.moderation.services import decide_comment

from .exceptions import StateConflict
from .models import Comment


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
        self._decide(request, queryset, ModerationAction.Kind.APPROVE, "Approved")

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove_selected(self, request, queryset):
        self._decide(request, queryset, ModerationAction.Kind.REMOVE, "Removed")

    def _decide(self, request, queryset, decision, done: str) -> None:
        """The queue's own decision: audit log, claims, reports, retraining, the same refusals."""
        decided, refused = 0, []
        for comment in queryset.select_related("post", "parent"):
            try:
                decide_comment(comment=comment, decision=decision, by=request.user, reason="Django admin")
                decided += 1
            except (StateConflict, ClaimedByOther) as why:
                refused.append(f"#{comment.pk}: {why}")
        if decided:
            self.message_user(request, f"{done} {decided} comment(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"Not changed: {line}", messages.WARNING)
