from django.urls import path

from . import views
from .views import live

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("comments/<int:pk>/", views.comment_detail, name="comment-detail"),
    path("comments/<int:pk>/decide/", views.comment_decide, name="comment-decide"),
    path("comments/<int:pk>/claim/", views.comment_claim, name="comment-claim"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("comments/<int:pk>/pick/", views.comment_pick, name="comment-pick"),
    path("comments/<int:pk>/statement/", views.statement_send, name="statement-send"),
    path("appeals/", views.appeals_queue, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_decide, name="appeal-decide"),
    path("bulk/", views.bulk_decide, name="bulk-decide"),
    path("claims/", views.claims, name="claims"),
    path("queue/state/", live.queue_state, name="queue-state"),
    path("queue/events/", live.queue_events, name="queue-events"),
    path("actions/<int:pk>/undo/", views.action_undo, name="action-undo"),
    path("commenter/", views.commenter_detail, name="commenter"),
    path("commenter/note/", views.commenter_note, name="commenter-note"),
    path("commenter/sanction/", views.commenter_sanction, name="commenter-sanction"),
    path("sanctions/<int:pk>/revoke/", views.sanction_revoke, name="sanction-revoke"),
    path("log/", views.audit_log, name="log"),
    path("refused/", views.refused_comments, name="refusals"),
    path("dashboard/", views.moderation_dashboard, name="dashboard"),
    path("posts/<int:pk>/", views.thread_settings, name="thread"),
    path("policy/", views.policy_edit, name="policy"),
    path("keys/", views.shortcuts_setting, name="shortcuts"),
    path("digest/", views.digest_toggle, name="digest-toggle"),
    path("digest/<str:token>/", views.digest_link, name="digest-link"),
]
