"""Background work for discussions; each task loads what it needs and calls a service."""

from django_tasks import task


@task()
def notify_followers(*, comment_id: int) -> int:
    from .notifications import send_notifications

    return send_notifications(comment_id)


@task()
def send_confirmation(*, subscription_id: int) -> None:
    from .notifications import send_confirmation_now

    send_confirmation_now(subscription_id)
