"""WordPress import and export at the size of a long-lived site.

    .venv/bin/python bench/wxr_import.py                    # 5,000 posts, 250,000 comments
    .venv/bin/python bench/wxr_import.py --posts 500        # a quicker look

Generates a WXR file (threads up to 5 deep, every comment status, pingbacks), then imports it
with `commentariat import-wxr` into a fresh SQLite site and, when PostgreSQL answers on
127.0.0.1:5432, into a fresh PostgreSQL database; exports the SQLite site with
`commentariat export-wxr`. Each command runs in its own process, whose peak resident memory
is read from the kernel (wait4). The reference measured in the same run is lxml reading the
same file and doing nothing else; then the same file is imported again (which must change
nothing). Goal on the development machine: import ≤ 30 s and ≤ 100 MB peak on SQLite. The
machine's load average is printed with the table: the reference row absorbs part of it.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

VENV_BIN = Path(sys.executable).parent
GOAL_SECONDS, GOAL_MB = 30, 100
CPU_SECONDS: list[float] = []
WORDS = (
    "rent council budget housing rates market policy vote street square winter summer city "
    "argument evidence source figure data tenant landlord zoning transit school wage price "
    "history letter reader editor chart survey quarter bridge harbour station library"
).split()
STATUSES = ["1"] * 90 + ["0"] * 4 + ["spam"] * 4 + ["trash"] * 2
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench Review</title><link>https://bench.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example.org</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>
<wp:author_email>editor@bench.example.org</wp:author_email><wp:author_display_name>The Editor</wp:author_display_name>
<wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>analysis</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>Analysis</wp:cat_name></wp:category>
"""


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(path: Path, posts: int, comments_per_post: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    comment_id = 100_000
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for p in range(1, posts + 1):
            day = f"20{10 + p % 14:02d}-{1 + p % 12:02d}-{1 + p % 28:02d}"
            body = "\n\n".join(words(rng, 60) for _ in range(6))
            out.write(
                f"<item><title>Post {p}: {words(rng, 4)}</title>"
                f"<link>https://bench.example.org/{day[:4]}/{day[5:7]}/{day[8:]}/post-{p}/</link>"
                f'<dc:creator>editor</dc:creator><guid isPermaLink="false">https://bench.example.org/?p={p}</guid>'
                f"<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded></excerpt:encoded>"
                f"<wp:post_id>{p}</wp:post_id><wp:post_date>{day} 09:00:00</wp:post_date>"
                f"<wp:post_date_gmt>{day} 08:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>post-{p}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="analysis"><![CDATA[Analysis]]></category>\n'
            )
            depth_of: dict[int, int] = {}
            ids: list[int] = []
            for c in range(comments_per_post):
                comment_id += 1
                parent = 0
                if ids and rng.random() < 0.6:
                    candidate = rng.choice(ids[-10:])
                    if depth_of[candidate] < 4:
                        parent = candidate
                depth_of[comment_id] = depth_of[parent] + 1 if parent else 0
                ids.append(comment_id)
                kind = "pingback" if rng.random() < 0.01 and not parent else "comment"
                link = ' <a href="https://example.net/source">a source</a>' if rng.random() < 0.2 else ""
                minute = c % 60
                text = escape(f"{words(rng, rng.randint(8, 60))}{link}\n{words(rng, 10)}")
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {rng.randint(1, 5000)}</wp:comment_author>"
                    f"<wp:comment_author_email>reader{rng.randint(1, 5000)}@example.net</wp:comment_author_email>"
                    f"<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>198.51.100.{rng.randint(1, 254)}</wp:comment_author_IP>"
                    f"<wp:comment_date>{day} {10 + c // 60:02d}:{minute:02d}:00</wp:comment_date>"
                    f"<wp:comment_date_gmt>{day} {9 + c // 60:02d}:{minute:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>{text}</wp:comment_content>"
                    f"<wp:comment_approved>{rng.choice(STATUSES)}</wp:comment_approved>"
                    f"<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
                    f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def run(args: list[str], env: dict) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of the process (children excluded) and its exit code.

    The CPU seconds it used go to CPU_SECONDS: on a machine shared with other work they say
    more than the wall clock."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    CPU_SECONDS.append(usage.ru_utime + usage.ru_stime)
    if code != 0:
        sys.stderr.write(process.stderr.read().decode())
    return elapsed, usage.ru_maxrss / 1024, code


def site_env(data_dir: Path, database_url: str | None) -> dict:
    env = {
        **os.environ,
        "COMMENTARIAT_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "commentariat.settings.base",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def postgres_database() -> str | None:
    try:
        import psycopg

        name = f"commentariat_bench_{os.getpid()}"
        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return name
    except Exception:  # noqa: BLE001 (no PostgreSQL here: the row is left out)
        return None


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--comments-per-post", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-export", action="store_true")
    options = parser.parse_args()
    commentariat = str(VENV_BIN / "commentariat")
    work = Path(tempfile.mkdtemp(prefix="commentariat-wxr-"))
    rows = []
    try:
        wxr = work / "site.xml"
        generate(wxr, options.posts, options.comments_per_post)
        size_mb = wxr.stat().st_size / 1e6
        total = options.posts * options.comments_per_post
        print(f"{options.posts:,} posts, {total:,} comments, {size_mb:,.0f} MB of WXR", flush=True)

        parse = (
            f"from lxml import etree\nfor _, e in etree.iterparse({str(wxr)!r}, tag='item'):\n    e.clear()"
        )
        seconds, rss, _ = run([sys.executable, "-c", parse], {**os.environ})
        rows.append(("reference: lxml reads the file", seconds, rss, ""))

        targets = [("SQLite", None)]
        pg_name = None if options.no_postgres else postgres_database()
        if pg_name:
            targets.append(("PostgreSQL", f"postgresql://postgres@127.0.0.1:5432/{pg_name}"))
        try:
            for label, url in targets:
                data_dir = work / label.lower()
                data_dir.mkdir()
                env = site_env(data_dir, url)
                subprocess.run([commentariat, "migrate", "--noinput", "-v0"], env=env, check=True)
                seconds, rss, code = run([commentariat, "import-wxr", str(wxr)], env)
                if code != 0:
                    note = "FAILED"
                elif label == "SQLite":
                    note = "met" if seconds <= GOAL_SECONDS and rss <= GOAL_MB else "MISSED"
                else:
                    note = ""
                rows.append((f"import-wxr on {label}", seconds, rss, note))
                if label == "SQLite":
                    seconds, rss, code = run([commentariat, "import-wxr", str(wxr)], env)
                    rows.append(
                        ("import-wxr again (nothing changes)", seconds, rss, "" if code == 0 else "FAILED")
                    )
                if label == "SQLite" and not options.no_export:
                    out = work / "export.xml"
                    seconds, rss, code = run([commentariat, "export-wxr", "--output", str(out)], env)
                    rows.append(("export-wxr from SQLite", seconds, rss, "" if code == 0 else "FAILED"))
        finally:
            if pg_name:
                drop_postgres_database(pg_name)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    reference = rows[0][1]
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nLoad average (1, 5, 15 min) at the end: {load}; {os.cpu_count()} CPUs")
    print(
        f"| step | seconds | CPU seconds | × reference | peak RSS MB | goal (≤ {GOAL_SECONDS} s, ≤ {GOAL_MB} MB on SQLite) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for (label, seconds, rss, note), cpu in zip(rows, CPU_SECONDS, strict=True):
        print(f"| {label} | {seconds:,.1f} | {cpu:,.1f} | {seconds / reference:,.1f} | {rss:,.0f} | {note} |")


if __name__ == "__main__":
    main()
