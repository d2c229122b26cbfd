from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commentariat.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a staff member (printed once) or revoke a user's tokens."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument("--revoke", action="store_true", help="Revoke every token of this user.")

    def handle(self, *args, username, name, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if revoke:
            count, _ = ApiToken.objects.filter(user=user).delete()
            self.stdout.write(f"Revoked {count} token(s) of {username}.")
            return
        if not user.is_staff:
            raise CommandError(f"{username} is not staff; API tokens are for moderators and editors.")
        _, key = ApiToken.issue(user, name)
        self.stdout.write(key)
