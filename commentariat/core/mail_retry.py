"""Mail that cannot be sent now (the SMTP server down or refusing) waits in the task queue.

A task that sends one message calls send_or_wait(): when sending fails for a reason that may
pass, the same task is queued again for later (5, 10, 20, 40 minutes, then hourly, for a day),
and the failure is logged; after a day it is given up, logged as an error. With the immediate
backend (no worker, COMMENTARIAT_TASKS=immediate) there is no later: the failure is logged.
"""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 28  # 5 + 10 + 20 + 40 minutes, then hourly: about a day
_PASSING = (smtplib.SMTPException, OSError)  # refused, disconnected, unreachable, timed out


def send_or_wait(send, *, task, attempt: int, **arguments) -> bool:
    """send(); True when it went. Otherwise task(**arguments, attempt=attempt + 1) is queued for later."""
    try:
        send()
        return True
    except _PASSING as error:
        if attempt + 1 >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
            logger.error("Mail given up after %s attempt(s): %s (%s)", attempt + 1, task.name, error)
            return False
        wait = timedelta(minutes=min(5 * 2**attempt, 60))
        task.using(run_after=timezone.now() + wait).enqueue(**arguments, attempt=attempt + 1)
        logger.warning("Mail not sent (%s): %s will try again in %s", error, task.name, wait)
        return False
