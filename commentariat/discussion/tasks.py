"""Background work for discussions; each task loads what it needs and calls a service."""

from django_tasks import task


@task()
def notify_followers(*, comment_id: int) -> int:
    from .notification_batches import add_to_batches

    return add_to_batches(comment_id)


@task()
def send_notification_batch(*, batch_id: int) -> int:
    from .notification_batches import send_batch

    return send_batch(batch_id)


@task()
def send_confirmation(*, subscription_id: int, attempt: int = 0) -> bool:
    from commentariat.core.mail_retry import send_or_wait

    from .notifications import send_confirmation_now

    return send_or_wait(lambda: send_confirmation_now(subscription_id), task=send_confirmation, attempt=attempt,
                        subscription_id=subscription_id)  # fmt: skip
