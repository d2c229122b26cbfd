"""Every page shows the policy's effects (switches, notices): a change invalidates the whole site."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from commentariat.core.page_cache import bump

from .models import AdaptiveState, ModerationPolicy


@receiver(post_save, sender=ModerationPolicy, dispatch_uid="moderation.policy-changed")
@receiver(post_save, sender=AdaptiveState, dispatch_uid="moderation.adaptive-changed")
def policy_changed(sender, created=False, **kwargs):
    # Both rows are made by current() on first use, with the values every page was rendered
    # with: only a change invalidates.
    if not created:
        bump("site")
