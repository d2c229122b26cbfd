"""A comment's post pages (and the lists showing its count) go stale when the comment changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commentariat.core.page_cache import bump

from .models import Comment


@receiver([post_save, post_delete], sender=Comment, dispatch_uid="discussion.comment-changed")
def comment_changed(sender, instance, **kwargs):
    bump(f"post:{instance.post_id}")
    bump("lists")
