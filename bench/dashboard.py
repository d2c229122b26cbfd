"""The moderation dashboard's numbers on a site of 250,000 comments, on SQLite and on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--comments 250000] [--rounds 5] [--recent 0.05]

For each database (PostgreSQL when it answers on 127.0.0.1:5432; a throwaway database is
created and dropped), builds a site whose comments spread over two years, with `--recent` of
them in the last 30 days (1.0: a whole import landing in the window, the worst case): a third
held and decided by one of two moderators (an audit-log row each), the rest decided at
submission, some by the spam filter, some of those overturned later; reports on 1% of them.
Then times `moderation_numbers()` and the whole page (numbers, charts, template).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(total: int, recent: float) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from commentariat.discussion.models import Comment
    from commentariat.moderation.models import ModerationAction, Report
    from commentariat.publishing.models import Post

    rng = random.Random(17)
    now = timezone.now()
    users = get_user_model().objects
    author = users.create(username="bench")
    moderators = [users.create(username=f"moderator{n}", is_staff=True) for n in range(2)]
    posts = Post.objects.bulk_create(
        Post(title=f"Post {n}", slug=f"post-{n}", author=author, body="Words.", status="published",
             published_at=now - timedelta(days=800)) for n in range(50)
    )  # fmt: skip
    for offset in range(0, total, 5000):
        rows, decisions = [], []
        for n in range(offset, min(offset + 5000, total)):
            days_ago = rng.uniform(0, 30) if rng.random() < recent else rng.uniform(30, 730)
            created = now - timedelta(days=days_ago)
            kind = rng.random()
            first, score = (
                ("pending", None) if kind < 0.33 else ("approved", 0.05) if kind < 0.8 else ("spam", 0.95)
            )
            comment = Comment(post=posts[n % 50], author_name=f"Reader {n % 3000}", body=f"Comment {n}",
                              author_email=f"r{n % 3000}@example.org", status=first, spam_score=score,
                              created_at=created, status_changed_at=created)  # fmt: skip
            overturned = first != "pending" and rng.random() < 0.02
            if (first == "pending" and days_ago > 1) or overturned:
                decided_at = created + timedelta(hours=rng.expovariate(1 / 6))
                to = (
                    ("approved" if first == "spam" else "spam")
                    if overturned
                    else rng.choice(["approved", "spam"])
                )
                comment.status, comment.decided_status, comment.decided_at = to, to, decided_at
                comment.status_changed_at = decided_at
                decisions.append((comment, ModerationAction(
                    kind="approve" if to == "approved" else "spam", actor=rng.choice(moderators),
                    created_at=decided_at, before={"status": first}, after={"status": to},
                )))  # fmt: skip
            rows.append(comment)
        Comment.objects.bulk_create(rows)
        for comment, action in decisions:
            action.comment = comment
        ModerationAction.objects.bulk_create(action for _, action in decisions)
        Report.objects.bulk_create(
            Report(comment=c, reason="spam", created_at=c.created_at) for c in rows if rng.random() < 0.01
        )


def worker(total: int, rounds: int, recent: float) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        "commentariat.settings.test"  # plain static files, no collectstatic
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from commentariat.moderation.dashboard import moderation_numbers

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(total, recent)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    user = get_user_model().objects.get(username="moderator0")
    user.groups.add(Group.objects.get(name="moderator"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def timed(action):
        # Wall time, and this process's CPU time (SQLite's work included; PostgreSQL's is not).
        samples, cpu = [], []
        for _ in range(rounds):
            begun, begun_cpu = time.perf_counter(), time.process_time()
            action()
            samples.append(time.perf_counter() - begun)
            cpu.append(time.process_time() - begun_cpu)
        return statistics.median(samples), max(samples), statistics.median(cpu)

    with CaptureQueriesContext(connection) as captured:
        numbers = moderation_numbers()
    queries = len(captured.captured_queries)
    page = client.get("/moderation/dashboard/")
    assert page.status_code == 200, page.status_code
    return {
        "vendor": connection.vendor, "built": built, "queries": queries,
        "numbers": timed(moderation_numbers), "page": timed(lambda: client.get("/moderation/dashboard/")),
        "in_window": numbers["automatic"]["automatic"] + numbers["automatic"]["held"],
        "queue_now": numbers["queue"]["size_now"], "page_kb": len(page.content) / 1024,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=250_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--recent", type=float, default=0.05, help="share of comments in the last 30 days")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    arguments = [
        "--comments",
        str(options.comments),
        "--rounds",
        str(options.rounds),
        "--recent",
        str(options.recent),
    ]
    if options.worker:
        print(json.dumps(worker(options.comments, options.rounds, options.recent)))
        return
    targets = [("SQLite", None)]
    pg_name = f"commentariat_dashboard_bench_{os.getpid()}"
    try:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as db:
            db.execute(f'CREATE DATABASE "{pg_name}"')
        targets.append(("PostgreSQL", f"postgresql://postgres@127.0.0.1:5432/{pg_name}"))
    except Exception:  # noqa: BLE001 (no PostgreSQL: SQLite only)
        pg_name = None
    results = []
    try:
        for label, url in targets:
            env = {**os.environ, "COMMENTARIAT_DATA_DIR": tempfile.mkdtemp(prefix="commentariat-dashboard-")}
            env.pop("REDIS_URL", None)
            env.pop("DATABASE_URL", None)
            if url:
                env["DATABASE_URL"] = url
            out = subprocess.run([sys.executable, __file__, "--worker", *arguments],
                                 env=env, capture_output=True, text=True)  # fmt: skip
            if out.returncode:
                sys.exit(f"{label}: the worker failed\n{out.stderr[-3000:]}")
            results.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    print(f"{options.comments:,} comments, {options.recent:.0%} in the last 30 days; median and max of "
          f"{options.rounds} rounds\n")  # fmt: skip
    print(
        "| database | in window | waiting | queries | numbers p50 ms | max ms | CPU ms | page p50 ms | page KB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, r in results:
        print(f"| {label} | {r['in_window']:,} | {r['queue_now']:,} | {r['queries']} | {r['numbers'][0] * 1000:,.0f} "
              f"| {r['numbers'][1] * 1000:,.0f} | {r['numbers'][2] * 1000:,.0f} | {r['page'][0] * 1000:,.0f} "
              f"| {r['page_kb']:,.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
