from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "commentariat.core"
    label = "core"

    def ready(self):
        from .converters import PagePathConverter, UnicodeSlugConverter

        # Before any URLconf is imported: the apps' urls.py name these converters.
        register_converter(UnicodeSlugConverter, "uslug")
        register_converter(PagePathConverter, "pagepath")
