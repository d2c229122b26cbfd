"""Where an uncached post page and a comment POST spend their time (cProfile, in one process).

    .venv/bin/python bench/profile_page.py [--requests 300] [--posts 300] [--top 25]

Builds a throwaway SQLite site (production settings, `synchronous=FULL`) with the same posts as
bench/post_page.py (21 and 500 comments, one post to comment on), then calls the WSGI
application as a server would, with the page cache off: GETs of the 21-comment page, then comment
POSTs with one reader's CSRF cookie and form tokens. Prints, for each, the wall time per request
and the functions taking the most time (own time and cumulative, in % of the profiled total).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _environ(method: str, path: str, *, cookie: str = "", body: bytes = b"") -> dict:
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if body:
        environ.update(CONTENT_TYPE="application/x-www-form-urlencoded", CONTENT_LENGTH=str(len(body)),
                       HTTP_REFERER="http://127.0.0.1/", HTTP_ORIGIN="http://127.0.0.1")  # fmt: skip
    return environ


def call(method: str, path: str, **kwargs) -> tuple[str, dict, bytes]:
    from commentariat.wsgi import application

    answer: dict = {"cookies": []}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status
        for name, value in headers:
            if name.lower() == "set-cookie":
                answer["cookies"].append(value.split(";", 1)[0])

    body = b"".join(application(_environ(method, path, **kwargs), start_response))
    return answer["status"], answer, body


def cpu_per_request(count: int, request) -> float:
    """Milliseconds of this process's CPU time per request, without the profiler (the machine's
    other load does not count, unlike wall time)."""
    started = time.process_time()
    for _ in range(count):
        request()
    return (time.process_time() - started) / count * 1000


# The parts bench/README.md reports, as patterns on cProfile's "file:line(function)".
PARTS = {
    "GET": [
        ("templates (Django's render)", r"django/shortcuts.py:\d+\(render\)"),
        ("  comment form widgets", r"boundfield.py:\d+\(as_widget\)"),
        ("  thread HTML (render_thread)", r"rendering.py:\d+\(render_thread\)"),
        ("SQL queries, ORM compiling included", r"compiler.py:\d+\(execute_sql\)"),
        ("  the ORM compiling SQL (as_sql)", r"compiler.py:\d+\(as_sql\)"),
        ("thread_page (thread query, tree)", r"threads.py:\d+\(thread_page\)"),
        ("quoted_in", r"views.py:\d+\(quoted_in\)"),
        ("get_published_post_or_404", r"selectors.py:\d+\(get_published_post_or_404\)"),
        ("comments_closed_message (the policy row)", r"discussion/screening.py:\d+\(comments_closed_message\)"),
        ("reverse()", r"urls/base.py:\d+\(reverse\)"),
        ("html_to_text (Post.summary)", r"markup.py:\d+\(html_to_text\)"),
    ],
    "POST": [
        ("submit_comment", r"submission.py:\d+\(submit_comment\)"),
        ("  under the write lock (_store_new_comment)", r"_store_new_comment"),
        ("    commit (fsync of the WAL)", r"method 'commit' of 'sqlite3.Connection"),
        ("    duplicate check", r"_recent_duplicate"),
        ("    numbering", r"give_number"),
        ("  screening (rules, bans, spam score)", r"discussion/screening.py:\d+\(screen_comment\)"),
        ("get_published_post_or_404", r"selectors.py:\d+\(get_published_post_or_404\)"),
        ("form validation", r"forms.py:\d+\(is_valid\)"),
        ("SQL queries, ORM compiling included", r"compiler.py:\d+\(execute_sql\)"),
    ],
}


def parts(stats: pstats.Stats, kind: str, count: int) -> None:
    """Cumulative time of each part in PARTS, in % of the whole request."""
    def cumulative(pattern: str) -> tuple[float, int]:
        found = [(ct, nc) for (f, line, name), (_, nc, _, ct, _) in stats.stats.items()
                 if re.search(pattern, f"{f}:{line}({name})")]  # fmt: skip
        return max(found, default=(0.0, 0))

    whole, _ = cumulative(r"handlers/wsgi.py:\d+\(__call__\)")
    print(f"\npart | % of the request | calls/request\n--- | ---: | ---:")
    for label, pattern in PARTS[kind]:
        seconds, calls = cumulative(pattern)
        print(f"{label} | {seconds / whole:.1%} | {calls / count:.1f}")


def profile(label: str, count: int, request, top: int, dump: str = "") -> None:
    request()  # warm: templates compiled, connection open
    print(f"\n{label}: {cpu_per_request(count, request):.2f} ms of CPU per request without the profiler")
    if top == 0:
        return
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        request()
    profiler.disable()
    per_request = (time.perf_counter() - started) / count * 1000
    if dump:
        profiler.dump_stats(dump)
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"\n## {label}: {count} requests, {per_request:.2f} ms each under the profiler")
    parts(stats, label.split()[0] if label.startswith("GET") else "POST", count)
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative")):
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2 if key == "tottime" else 3])[:top]
        print(f"\n{title} | % | calls/request | function")
        print("---: | ---: | ---: | ---")
        for (filename, line, name), (_, calls, own, cumulative, _) in rows:
            seconds = own if key == "tottime" else cumulative
            where = filename.split("site-packages/")[-1].split("commentariat/")[-1]
            print(f"{seconds / count * 1000:.3f} ms | {seconds / total:.1%} | {calls / count:.1f} | "
                  f"{where}:{line} {name}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--top", type=int, default=25, help="rows per table; 0: CPU time only, no profile")
    parser.add_argument("--page", default="21", help="21 or 500")
    parser.add_argument("--dump", default="", help="save the raw profiles as DUMP-get.prof, DUMP-post.prof")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="commentariat-profile-"))
    os.environ.update(
        COMMENTARIAT_DATA_DIR=str(work), DJANGO_SETTINGS_MODULE="commentariat.settings.base",
        COMMENTARIAT_INITIAL_MODERATION_MODE="hold_none", COMMENTARIAT_COMMENT_FORM_MIN_SECONDS="0",
        COMMENTARIAT_PAGE_CACHE="0",
    )  # fmt: skip
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    from post_page import SEED

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        out = io.StringIO()
        sys.stdout, saved = out, sys.stdout
        try:
            exec(SEED, {})
        finally:
            sys.stdout = saved
        paths = [line for line in out.getvalue().split() if line.startswith("/")]
        page = paths[0] if options.page == "21" else paths[1]
        profile(f"GET {options.page}-comment page, uncached", options.requests,
                lambda: call("GET", page), options.top,
                options.dump and f"{options.dump}-get.prof")  # fmt: skip
        status, answer, html = call("GET", paths[2])
        cookie = "; ".join(answer["cookies"])
        fields = {
            "started": re.search(rb'name="started" value="([^"]+)"', html)[1].decode(),
            "author_name": "Profiler", "author_email": "profile@example.org",
        }  # fmt: skip
        if token := re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html):
            fields["csrfmiddlewaretoken"] = token[1].decode()  # pages of before issue 15 carried one
        counter = iter(range(10**9))

        def post():
            body = urllib.parse.urlencode({**fields, "body": f"A comment to profile, number {next(counter)}"})
            status, _, _ = call("POST", paths[2] + "comments/", cookie=cookie, body=body.encode())
            assert status.startswith("302"), status

        profile("comment POST (302), SQLite synchronous=FULL", options.posts, post, options.top,
                options.dump and f"{options.dump}-post.prof")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
