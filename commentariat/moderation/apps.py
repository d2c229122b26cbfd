from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "commentariat.moderation"
    label = "moderation"
    verbose_name = "Moderation"
