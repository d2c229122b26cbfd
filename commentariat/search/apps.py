from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "commentariat.search"
    label = "search"

    def ready(self):
        post_migrate.connect(_restore_triggers, dispatch_uid="commentariat.search.triggers")


def _restore_triggers(sender, using="default", **kwargs):
    # Any app's migration may rebuild publishing_post or discussion_comment on SQLite, and the
    # rebuild drops their triggers: the index would silently stop following the rows.
    from .indexing import restore_triggers

    restore_triggers(using)
