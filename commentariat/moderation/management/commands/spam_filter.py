from django.core.management.base import BaseCommand, CommandError

from commentariat.moderation.error_budget import describe_fit, latest_fit
from commentariat.moderation.spam_filter import min_examples, retrain_from_site, trained_at


class Command(BaseCommand):
    help = "Manage the learned spam filter: `retrain` it from the site's decisions, or show its `status`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["retrain", "status"])

    def handle(self, *args, action, **options):
        if action == "status":
            when = trained_at()
            self.stdout.write(
                f"Spam filter trained at {when:%Y-%m-%d %H:%M}." if when else "Spam filter not trained yet."
            )
            if (fit := latest_fit()) is not None:
                self.stdout.write(describe_fit(fit))
            return
        model = retrain_from_site()
        if model is None:
            raise CommandError(
                f"Not enough history to train: the filter needs {min_examples()} approved and "
                f"{min_examples()} spam comments. Until then the rules decide."
            )
        self.stdout.write(
            f"Spam filter retrained on {model.spam_examples} spam and {model.ham_examples} approved comments."
        )
        fit = latest_fit()
        if fit is not None:
            self.stdout.write(describe_fit(fit))
