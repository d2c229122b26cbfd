from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "commentariat.discussion"
    label = "discussion"
    verbose_name = "Discussion"
