from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commentariat.core"
    label = "core"
