"""Every page shows the policy's effects (switches, notices): a change invalidates the whole site.
A comment its author takes down closes its open reports."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from commentariat.core.page_cache import bump
from commentariat.discussion.models import Comment
from commentariat.discussion.signals import comment_withdrawn

from .models import AdaptiveState, ModerationPolicy
from .reports import close_reports


@receiver(post_save, sender=ModerationPolicy, dispatch_uid="moderation.policy-changed")
@receiver(post_save, sender=AdaptiveState, dispatch_uid="moderation.adaptive-changed")
def policy_changed(sender, created=False, **kwargs):
    # Both rows are made by current() on first use, with the values every page was rendered
    # with: only a change invalidates.
    if not created:
        bump("site")


@receiver(comment_withdrawn, sender=Comment, dispatch_uid="moderation.withdrawn-closes-reports")
def withdrawn_closes_reports(sender, comment, **kwargs):
    """A comment its author took down leaves the reported queue; illegal-content reporters are told."""
    close_reports(comment)
