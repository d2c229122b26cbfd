from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "commentariat.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from . import signals  # noqa: F401
