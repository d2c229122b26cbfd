from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    name = "commentariat.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from . import signals  # noqa: F401
        from .roles import ensure_roles

        # After auth has created the permissions (post_migrate runs app by app, in INSTALLED_APPS order).
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="commentariat.moderation.roles")
