"""Cached pages that show a post go stale when it changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from commentariat.core.page_cache import bump

from .models import Category, Post, Tag


@receiver([post_save, post_delete], sender=Post, dispatch_uid="publishing.post-changed")
def post_changed(sender, instance, **kwargs):
    bump(f"post:{instance.pk}", "lists")


@receiver([post_save, post_delete], sender=Category, dispatch_uid="publishing.term-changed")
@receiver([post_save, post_delete], sender=Tag, dispatch_uid="publishing.tag-changed")
def term_changed(sender, instance, **kwargs):
    # A renamed category shows on every post filed under it, and on lists.
    bump("site")


@receiver(m2m_changed, sender=Post.categories.through, dispatch_uid="publishing.post-categories")
@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="publishing.post-tags")
def post_terms_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Post):
        bump(f"post:{instance.pk}", "lists")
