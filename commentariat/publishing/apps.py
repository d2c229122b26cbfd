from django.apps import AppConfig
from django.urls import register_converter


class PublishingConfig(AppConfig):
    name = "commentariat.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from commentariat.core.page_cache import expire_pages_by

        from . import signals  # noqa: F401
        from .converters import PagePathConverter
        from .selectors import seconds_until_next_publication

        # A scheduled post appears by itself: no cached page outlives the wait for it.
        expire_pages_by(seconds_until_next_publication)
        register_converter(PagePathConverter, "pagepath")  # child pages' addresses (discussion/urls.py)
