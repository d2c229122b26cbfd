from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "commentariat.core"
    label = "core"

    def ready(self):
        from .converters import UnicodeSlugConverter

        # Before any URLconf is imported: the apps' urls.py name it.
        register_converter(UnicodeSlugConverter, "uslug")
