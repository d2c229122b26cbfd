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


@task()
def send_report_mail(*, report_id: int, kind: str, attempt: int = 0) -> bool:
    from commentariat.core.mail_retry import send_or_wait

    from .reports import send_report_mail_now

    return send_or_wait(lambda: send_report_mail_now(report_id, kind), task=send_report_mail, attempt=attempt,
                        report_id=report_id, kind=kind)  # fmt: skip


@task()
def send_own_data_link(*, email: str, attempt: int = 0) -> bool:
    from commentariat.core.mail_retry import send_or_wait

    from .own_data import send_link_now

    return send_or_wait(lambda: send_link_now(email), task=send_own_data_link, attempt=attempt, email=email)


@task()
def send_appeal_mail(*, statement_id: int, kind: str, attempt: int = 0) -> bool:
    from commentariat.core.mail_retry import send_or_wait

    from .appeals import send_mail_now

    return send_or_wait(lambda: send_mail_now(statement_id, kind), task=send_appeal_mail, attempt=attempt,
                        statement_id=statement_id, kind=kind)  # fmt: skip
