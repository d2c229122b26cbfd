from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "commentariat.search"
    label = "search"
