"""Cached pages that show a post go stale when it changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commentariat.core.page_cache import bump

from .models import Post


@receiver([post_save, post_delete], sender=Post, dispatch_uid="publishing.post-changed")
def post_changed(sender, instance, **kwargs):
    bump(f"post:{instance.pk}")
    bump("lists")
