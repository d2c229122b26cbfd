from django.core.management.base import BaseCommand

from commentariat.discussion.notification_batches import send_due_batches


class Command(BaseCommand):
    help = (
        "Send the reply notifications that are due (the worker does this by itself; run it from cron "
        "when tasks run with COMMENTARIAT_TASKS=immediate)."
    )

    def handle(self, *args, **options):
        sent = send_due_batches()
        if options["verbosity"]:
            self.stdout.write(f"Sent {sent} notification(s).")
