from django.core.management.base import BaseCommand

from commentariat.moderation.services import purge_removed_comments


class Command(BaseCommand):
    help = "Delete comments removed or marked spam more than 30 days ago (a setting); replies keep a shell."

    def handle(self, *args, **options):
        self.stdout.write(f"Purged {purge_removed_comments()} comment(s).")
