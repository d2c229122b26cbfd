from django_tasks import task


@task()
def send_post_email(
    *, post_id: int, recipient: str, sender_name: str, note: str, url: str, attempt: int = 0
) -> bool:
    from commentariat.core.mail_retry import send_or_wait

    from .mail import send_post_email_now

    message = {
        "post_id": post_id,
        "recipient": recipient,
        "sender_name": sender_name,
        "note": note,
        "url": url,
    }
    return send_or_wait(
        lambda: send_post_email_now(**message), task=send_post_email, attempt=attempt, **message
    )
