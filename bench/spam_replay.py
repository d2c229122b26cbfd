"""Replay labeled comments through the real decision path and score the moderation outcome.

    .venv/bin/python bench/spam_replay.py                       # leave one source out: each CSV of
                                                                # ../shared/data/youtube-spam/ in turn
    .venv/bin/python bench/spam_replay.py --kfold               # the older 5-fold figure, for comparison
    .venv/bin/python bench/spam_replay.py --train A.csv --test B.csv [--json]

CSV columns: COMMENT_ID,AUTHOR,DATE,CONTENT,label (label 1 = spam). Training rows become the
site's history (comments a moderator approved or marked spam, at their DATE), the filter is
retrained from it exactly as `commentariat spam-filter retrain` does, and each test row is
submitted with submit_comment, so every rule and threshold of the site's policy applies (mode:
hold nobody, so that the filter's share of the work is what is measured). Leaving one source out
runs each held-out file twice: with the policy's default thresholds, and with the thresholds that
retraining fitted to the error budget from the training sources (forward in time inside them, see
commentariat/moderation/error_budget.py). Runs on a throwaway SQLite database.
"""

import argparse
import csv
import hashlib
import json
import os
import sys
import tempfile
from datetime import datetime, timezone
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
                        "date": _date(row.get("DATE", "")),
                        "source": path.stem,
                    }
                )
    return rows


def _date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = datetime(2000, 1, 1)  # undated rows count as the oldest decisions
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


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
    train_rows: list[dict], test_rows: list[dict], thresholds: dict, *, fit: bool = False
) -> tuple[list[tuple[int, str, float | None]], dict]:
    """(label, decided status, spam score) for each test row that the site accepted, and the
    thresholds used (with the error-budget fit's own figures when fit is on)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone as django_timezone

    from commentariat.discussion.exceptions import CommentRefused
    from commentariat.discussion.models import Comment
    from commentariat.discussion.services import submit_comment
    from commentariat.moderation.error_budget import latest_fit
    from commentariat.moderation.models import ModerationPolicy, SpamFilterModel, ThresholdFit
    from commentariat.moderation.spam_filter import retrain_from_site
    from commentariat.publishing.models import Post

    Comment.objects.all().delete()
    SpamFilterModel.objects.all().delete()
    ThresholdFit.objects.all().delete()
    policy = ModerationPolicy.current()
    policy.mode = "hold_none"
    policy.thresholds_follow_budget = fit
    for field in ("spam_threshold", "ham_threshold"):
        setattr(policy, field, thresholds.get(field, ModerationPolicy._meta.get_field(field).default))
    policy.save()
    author, _ = get_user_model().objects.get_or_create(username="replay")
    post, _ = Post.objects.get_or_create(
        slug="replay",
        defaults={
            "title": "Replay",
            "author": author,
            "body": "Replay.",
            "status": "published",
            "published_at": django_timezone.now(),
        },
    )
    Comment.objects.bulk_create(_decided(post, row) for row in train_rows)
    retrain_from_site()
    policy.refresh_from_db()
    used = {"spam_threshold": policy.spam_threshold, "ham_threshold": policy.ham_threshold}
    if fit and (fitted := latest_fit()) is not None:
        used["fit"] = {
            field: getattr(fitted, field)
            for field in ("applied", "note", "decisions", "scored", "auto_share", "spam_published",
                          "spam_published_upper", "good_caught", "good_caught_upper")
        }  # fmt: skip
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
    return outcomes, used


def _decided(post, row: dict):
    """A training row as the comment a moderator decided on the row's date."""
    from commentariat.discussion.models import Comment

    status = Comment.Status.SPAM if row["label"] else Comment.Status.APPROVED
    return Comment(
        post=post,
        author_name=row["author"][:200],
        author_email=address(row["author"]),
        body=row["text"],
        status=status,
        decided_status=status,
        decided_at=row["date"],
        status_changed_at=row["date"],
    )


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


LABELS = {
    "accuracy": "accuracy (filter alone, score ≥ 0.5 = spam)",
    "auto_decided": "decided automatically",
    "spam_to_approved": "spam published automatically (of spam)",
    "ham_to_spam": "good comments caught (of good)",
    "auto_correct": "right, of the automatic decisions",
}


def leave_one_source_out(paths: list[Path], thresholds: dict) -> dict:
    """Each source file held out in turn: figures at the given (or default) thresholds and at the
    thresholds fitted to the error budget on the other files."""
    sources = {path.stem: load([path]) for path in paths}
    result = {"sources": {}, "total": {}}
    pooled = {"default": [], "budget": []}
    for name, held_out in sources.items():
        training = [row for other, rows in sources.items() if other != name for row in rows]
        default, default_used = replay(training, held_out, thresholds, fit=False)
        budget, budget_used = replay(training, held_out, thresholds, fit=True)
        pooled["default"] += default
        pooled["budget"] += budget
        result["sources"][name] = {
            "default": {**metrics(default), **default_used},
            "budget": {**metrics(budget), **budget_used},
        }
    result["total"] = {key: metrics(outcomes) for key, outcomes in pooled.items()}
    return result


def print_leave_one_out(result: dict, data: Path) -> None:
    print(f"Spam replay, leaving one source out of {data} (train on the others, test on it)\n")
    print(
        f"{'held out':24} {'thresholds':27} {'comments':>8} {'accuracy':>9} {'auto':>7}"
        f" {'spam pub.':>9} {'good caught':>11}"
    )
    rows = [(name, figures) for name, figures in result["sources"].items()]
    rows.append(("total", result["total"]))
    for name, figures in rows:
        for kind in ("default", "budget"):
            m = figures[kind]
            label = "default" if kind == "default" else "fitted to budget"
            if "spam_threshold" in m:
                label += f" {m['ham_threshold']:.2f}/{m['spam_threshold']:.2f}"
            print(
                f"{name:24} {label:27} {m['comments']:>8} {m['accuracy']:>9.2%} {m['auto_decided']:>7.2%}"
                f" {m['spam_to_approved']:>9.2%} {m['ham_to_spam']:>11.2%}"
            )
    print("\nThe fit on the training sources (what the policy page would have promised):")
    for name, figures in result["sources"].items():
        fit = figures["budget"].get("fit")
        if fit is None:
            print(f"  {name}: no fit (too little history)")
        elif not fit["applied"]:
            print(f"  {name}: {fit['note']}")
        else:
            print(
                f"  {name}: {fit['decisions']} decisions, {fit['scored']} scored forward; expected "
                f"{fit['auto_share']:.1%} automatic, spam published {fit['spam_published']:.2%} "
                f"(≤ {fit['spam_published_upper']:.2%}), good caught {fit['good_caught']:.2%} "
                f"(≤ {fit['good_caught_upper']:.2%})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", nargs="+", type=Path)
    parser.add_argument("--test", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory of source CSV files")
    parser.add_argument(
        "--leave-one-out", action="store_true", help="the default: hold out one source at a time"
    )
    parser.add_argument("--kfold", action="store_true", help="the older k-fold figure (mixes sources)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--spam-threshold", type=float, help="override the policy's spam threshold")
    parser.add_argument("--ham-threshold", type=float, help="override the policy's approve threshold")
    parser.add_argument("--confidence", type=float, help="the error-budget fit's confidence (default 0.8)")
    args = parser.parse_args()
    if bool(args.train) != bool(args.test):
        parser.error("give both --train and --test, or neither")
    setup_django()
    if args.confidence is not None:
        from django.conf import settings

        settings.COMMENTARIAT["ERROR_BUDGET_CONFIDENCE"] = args.confidence
    thresholds = {
        field: value
        for field, value in (("spam_threshold", args.spam_threshold), ("ham_threshold", args.ham_threshold))
        if value is not None
    }
    paths = sorted(args.data.glob("*.csv"))
    if not args.train and not paths:
        raise SystemExit(f"no CSV files in {args.data}")
    if args.train:
        result = metrics(replay(load(args.train), load(args.test), thresholds)[0])
        how = "train/test files"
    elif args.kfold:
        result = kfold(load(paths), args.folds, thresholds)
        how = f"{args.folds}-fold cross-validation over {args.data} (mixes sources)"
    else:
        result = leave_one_source_out(paths, thresholds)
        if args.json:
            print(json.dumps(result, default=str))
        else:
            print_leave_one_out(result, args.data)
        return
    if args.json:
        print(json.dumps(result))
        return
    print(f"Spam replay: {result['comments']} comments, {how}\n")
    print(f"{'measure':42} {'value':>8}")
    for key, label in LABELS.items():
        print(f"{label:42} {result[key]:>8.2%}")


def kfold(rows: list[dict], folds: int, thresholds: dict) -> dict:
    """The older figure: stratified folds over all rows, so every fold has seen every campaign."""
    from sklearn.model_selection import StratifiedKFold

    outcomes = []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    for train_index, test_index in splitter.split(rows, [row["label"] for row in rows]):
        outcomes += replay([rows[i] for i in train_index], [rows[i] for i in test_index], thresholds)[0]
    return metrics(outcomes)


if __name__ == "__main__":
    main()
