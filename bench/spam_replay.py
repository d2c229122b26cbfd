"""Replay labeled comments through the real decision path and score the moderation outcome.

    .venv/bin/python bench/spam_replay.py                       # 5-fold cross-validation over
                                                                # ../shared/data/youtube-spam/*.csv
    .venv/bin/python bench/spam_replay.py --train A.csv --test B.csv [--json]

CSV columns: COMMENT_ID,AUTHOR,DATE,CONTENT,label (label 1 = spam). Training rows become the
site's history (approved or spam comments), the filter is retrained from it exactly as
`commentariat spam-filter retrain` does, and each test row is submitted with submit_comment,
so every rule and threshold of the site's policy applies (mode: hold nobody, so that the
filter's share of the work is what is measured). Runs on a throwaway SQLite database.
"""

import argparse
import csv
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "youtube-spam"


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    {
                        "id": row["COMMENT_ID"],
                        "author": row["AUTHOR"] or "Anonymous",
                        "text": row["CONTENT"],
                        "label": int(row["label"]),
                    }
                )
    return rows


def address(author: str) -> str:
    """The commenter's email address: the collection's AUTHOR is the commenter's account, which
    on a site is what an email address stands for (the filter weighs a commenter's track record)."""
    return hashlib.sha256(author.encode()).hexdigest()[:16] + "@replay.invalid"


def setup_django() -> None:
    os.environ["COMMENTARIAT_DATA_DIR"] = tempfile.mkdtemp(prefix="commentariat-spam-replay-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "commentariat.settings.base"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def replay(
    train_rows: list[dict], test_rows: list[dict], thresholds: dict
) -> list[tuple[int, str, float | None]]:
    """(label, decided status, spam score) for each test row that the site accepted."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from commentariat.discussion.exceptions import CommentRefused
    from commentariat.discussion.models import Comment
    from commentariat.discussion.services import submit_comment
    from commentariat.moderation.models import ModerationPolicy, SpamFilterModel
    from commentariat.moderation.spam_filter import retrain_from_site
    from commentariat.publishing.models import Post

    Comment.objects.all().delete()
    SpamFilterModel.objects.all().delete()
    policy = ModerationPolicy.current()
    policy.mode = "hold_none"
    for field, value in thresholds.items():
        setattr(policy, field, value)
    policy.save()
    author, _ = get_user_model().objects.get_or_create(username="replay")
    post, _ = Post.objects.get_or_create(
        slug="replay",
        defaults={
            "title": "Replay",
            "author": author,
            "body": "Replay.",
            "status": "published",
            "published_at": timezone.now(),
        },
    )
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name=row["author"][:200],
            author_email=address(row["author"]),
            body=row["text"],
            status=Comment.Status.SPAM if row["label"] else Comment.Status.APPROVED,
        )
        for row in train_rows
    )
    retrain_from_site()
    outcomes = []
    for row in test_rows:
        try:
            comment = submit_comment(
                post=post,
                parent=None,
                author_name=row["author"][:100],
                author_email=address(row["author"]),
                body=row["text"],
            )
        except (ValidationError, CommentRefused):
            continue
        outcomes.append((row["label"], comment.status, comment.spam_score))
    return outcomes


def metrics(outcomes) -> dict:
    spam = [o for o in outcomes if o[0] == 1]
    ham = [o for o in outcomes if o[0] == 0]
    scored = [o for o in outcomes if o[2] is not None]
    auto = [o for o in outcomes if o[1] in ("approved", "spam")]
    return {
        "comments": len(outcomes),
        "accuracy": sum((o[2] >= 0.5) == bool(o[0]) for o in scored) / len(scored) if scored else 0.0,
        "auto_decided": len(auto) / len(outcomes),
        "ham_to_spam": sum(o[1] == "spam" for o in ham) / len(ham) if ham else 0.0,
        "spam_to_approved": sum(o[1] == "approved" for o in spam) / len(spam) if spam else 0.0,
        "auto_correct": sum((o[1] == "spam") == bool(o[0]) for o in auto) / len(auto) if auto else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", nargs="+", type=Path)
    parser.add_argument("--test", nargs="+", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--spam-threshold", type=float, help="override the policy's spam threshold")
    parser.add_argument("--ham-threshold", type=float, help="override the policy's approve threshold")
    args = parser.parse_args()
    if bool(args.train) != bool(args.test):
        parser.error("give both --train and --test, or neither for cross-validation")
    setup_django()
    thresholds = {
        field: value
        for field, value in (("spam_threshold", args.spam_threshold), ("ham_threshold", args.ham_threshold))
        if value is not None
    }
    if args.train:
        outcomes = replay(load(args.train), load(args.test), thresholds)
        how = "train/test files"
    else:
        from sklearn.model_selection import StratifiedKFold

        rows = load(sorted(DEFAULT_DATA.glob("*.csv")))
        if not rows:
            raise SystemExit(f"no CSV files in {DEFAULT_DATA}")
        outcomes = []
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=0)
        for train_index, test_index in folds.split(rows, [row["label"] for row in rows]):
            outcomes += replay([rows[i] for i in train_index], [rows[i] for i in test_index], thresholds)
        how = f"{args.folds}-fold cross-validation over {DEFAULT_DATA}"
    result = metrics(outcomes)
    if args.json:
        print(json.dumps(result))
        return
    goals = {
        "accuracy": ">= 0.97",
        "auto_decided": ">= 0.85",
        "ham_to_spam": "<= 0.005",
        "spam_to_approved": "<= 0.01",
    }
    print(f"Spam replay: {result['comments']} comments, {how}\n")
    print(f"{'measure':20} {'value':>8}  goal")
    for key in ("accuracy", "auto_decided", "ham_to_spam", "spam_to_approved", "auto_correct"):
        print(f"{key:20} {result[key]:>8.2%}  {goals.get(key, '')}")


if __name__ == "__main__":
    main()
