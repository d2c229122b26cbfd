from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "commentariat.portability"
    label = "portability"
    verbose_name = "Import and export"
