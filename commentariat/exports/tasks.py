from django_tasks import task


@task()
def send_post_email(*, post_id: int, recipient: str, sender_name: str, note: str, url: str) -> None:
    from .mail import send_post_email_now

    send_post_email_now(post_id=post_id, recipient=recipient, sender_name=sender_name, note=note, url=url)
