from django.core.management.base import BaseCommand

from commentariat.moderation.digest import send_digests


class Command(BaseCommand):
    help = "Email the queue to moderators who asked for a digest (run it from cron, e.g. hourly)."

    def handle(self, *args, **options):
        sent = send_digests()
        if options["verbosity"]:
            self.stdout.write(f"Sent {sent} digest(s).")
