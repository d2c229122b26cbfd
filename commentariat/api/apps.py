from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commentariat.api"
    label = "api"
    verbose_name = "JSON API"
