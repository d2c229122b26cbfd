"""Moderators' pages, by what they work on."""

from .appeals import appeal_decide, appeals_queue, statement_send
from .commenters import commenter_detail, commenter_note, commenter_sanction, sanction_revoke
from .common import staff_view
from .dashboard import moderation_dashboard
from .queue import (
    action_undo,
    bulk_decide,
    claims,
    comment_claim,
    comment_decide,
    comment_detail,
    comment_edit,
    comment_pick,
    comment_reply,
    queue,
)
from .records import (
    audit_log,
    digest_link,
    digest_toggle,
    policy_edit,
    refused_comments,
    shortcuts_setting,
    thread_settings,
)

__all__ = [
    "appeal_decide", "appeals_queue", "statement_send",
    "action_undo", "audit_log", "bulk_decide", "claims", "comment_claim", "comment_decide", "comment_detail",
    "comment_edit", "comment_pick", "comment_reply", "commenter_detail", "commenter_note", "commenter_sanction", "digest_link",
    "digest_toggle", "moderation_dashboard", "policy_edit", "queue", "refused_comments", "sanction_revoke", "shortcuts_setting", "staff_view",
    "thread_settings",
]  # fmt: skip
