"""Full-text search over 10,000 posts, on SQLite and on PostgreSQL.

    .venv/bin/python bench/search.py [--posts 10000] [--rounds 20]

For each database (PostgreSQL when it answers on 127.0.0.1:5432; a throwaway database is
created and dropped), builds a site of N posts of generated prose, then times the search
engine (`search/engine.py`: count, ranked page of 10 with snippets) for a mix of queries:
common and rare words, a phrase, a prefix. The reference, measured in the same run, is the
naive way: `title LIKE %word% OR search_text LIKE %word%` over the same table.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["harbour", "council budget", '"reading rooms"', "librar*", "zeppelin", "tram station winter"]
WORDS = (
    "harbour council budget reading rooms library libraries tram station winter summer bridge toll "
    "levy county tenant rent market square river ferry school teacher nurse clinic hospital road "
    "housing argument evidence survey chart figure letter editor reader debate vote ballot"
).split()


def prose_vocabulary(rng: random.Random) -> list[str]:
    """8,000 made-up words ranked by frequency (Zipf, like prose), the topic words among them at
    ranks from common to rare, so that queries match a realistic share of the posts."""
    syllables = "ba ce di fo gu ha ke li mo nu pa re si to vu wa ye zo an el in or us".split()
    words: list[str] = []
    seen = set(WORDS)
    while len(words) < 8000:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    for n, topic in enumerate(WORDS):
        words.insert(40 + n * 60, topic)
    return words


def worker(posts: int, rounds: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "commentariat.settings.base"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from commentariat.publishing.models import Post
    from commentariat.search.engine import search

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    vocabulary = prose_vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(vocabulary))))
    author = get_user_model().objects.create(username="bench")
    now = timezone.now()
    batch = []
    for n in range(posts):
        text = " ".join(rng.choices(vocabulary, cum_weights=weights, k=400))
        batch.append(
            Post(title=f"Post {n}: {' '.join(rng.choice(WORDS) for _ in range(4))}", slug=f"post-{n}", author=author,
                 body=text, body_html=f"<p>{text}</p>", search_text=text, status="published", published_at=now)
        )  # fmt: skip
        if len(batch) == 1000:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE publishing_post")

    def timed(action):
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            action()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples), max(samples)

    rows = []
    for query in QUERIES:
        word = query.strip('"*').split()[0]
        engine = timed(lambda q=query: search("posts", q))
        naive = timed(
            lambda w=word: list(
                Post.objects.published().filter(Q(title__icontains=w) | Q(search_text__icontains=w))
                .order_by("-published_at").values_list("id", "title")[:10]
            )
        )  # fmt: skip
        total = search("posts", query).total
        rows.append({"query": query, "found": total, "engine": engine, "naive": naive})
    return {"vendor": connection.vendor, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(worker(options.posts, options.rounds)))
        return
    targets = [("SQLite", None)]
    pg_name = f"commentariat_search_bench_{os.getpid()}"
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
            env = {**os.environ, "COMMENTARIAT_DATA_DIR": tempfile.mkdtemp(prefix="commentariat-search-")}
            env.pop("REDIS_URL", None)
            env.pop("DATABASE_URL", None)
            if url:
                env["DATABASE_URL"] = url
            out = subprocess.run(
                [sys.executable, __file__, "--worker", "--posts", str(options.posts), "--rounds", str(options.rounds)],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            results.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    print(f"{options.posts:,} posts; median and max of {options.rounds} rounds per query\n")
    print("| database | query | found | search p50 ms | max ms | naive LIKE p50 ms | search ÷ naive |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, result in results:
        for row in result["rows"]:
            engine, naive = row["engine"], row["naive"]
            print(
                f"| {label} | `{row['query']}` | {row['found']:,} | {engine[0] * 1000:,.1f} | {engine[1] * 1000:,.1f} "
                f"| {naive[0] * 1000:,.1f} | {engine[0] / naive[0]:,.2f} |"
            )
        overall = statistics.median(r["engine"][0] for r in result["rows"])
        print(f"| {label} | **all queries, p50** | | {overall * 1000:,.1f} | | | |")


if __name__ == "__main__":
    main()
