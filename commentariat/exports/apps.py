from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "commentariat.exports"
    label = "exports"
    verbose_name = "Print, PDF and email"
