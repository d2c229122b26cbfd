"""A comment's post pages (and the lists showing its count) go stale when the comment changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commentariat.core.page_cache import bump
from commentariat.publishing.models import Post

from .models import Comment


@receiver([post_save, post_delete], sender=Comment, dispatch_uid="discussion.comment-changed")
def comment_changed(sender, instance, **kwargs):
    bump(f"post:{instance.post_id}", "lists")


@receiver(post_save, sender=Post, dispatch_uid="discussion.quoting-post-changed")
def quoting_post_changed(sender, instance, **kwargs):
    """A post that quotes comments shows as "quoted in …" under them once published."""
    if kwargs.get("created"):
        return  # nothing can quote a post that did not exist (an import creates thousands)
    for post_id in set(Comment.objects.filter(quoted_in=instance).values_list("post_id", flat=True)):
        bump(f"post:{post_id}")
