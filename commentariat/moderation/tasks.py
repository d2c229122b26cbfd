"""Background work for moderation; each task loads what it needs and calls a service."""

from django_tasks import task


@task()
def retrain_spam_filter() -> int | None:
    from .spam_filter import retrain_from_site

    model = retrain_from_site()
    return model.pk if model else None


@task()
def purge_removed_comments() -> int:
    from .services import purge_removed_comments as purge

    return purge()
