from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "commentariat.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self):
        from . import signals  # noqa: F401
