from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo site (posts and discussions). Safe to run again: existing posts are left alone."

    def handle(self, *args, **options):
        from commentariat.demo.loader import load_demo_site

        created = load_demo_site()
        self.stdout.write(
            f"Demo site: {created} post(s) created." if created else "Demo site already loaded."
        )
