"""Readers and commenters at once against the production server; then check nothing was lost.

    .venv/bin/python bench/load.py [--seconds 60] [--readers 50] [--commenters 10] [--database-url URL]

Phase 1, mixed load: readers fetch the post page in a loop while commenters post comments and
replies. Phase 2, write burst: the commenters alone post as fast as they can. Afterwards every
comment that got its 302 must be in the database exactly once, with its text intact. Prints
req/s and p50/p99 per route and the error count. Loopback only; every phase is bounded in time.
"""

import argparse
import http.client
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import Commenter, Site  # noqa: E402


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.acknowledged: list[str] = []

    def record(self, route: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(route, []).append(seconds)
            if not ok:
                self.errors[route] = self.errors.get(route, 0) + 1


def reader(site: Site, stop: float, recorder: Recorder) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            connection.request("GET", site.post_path)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
            ok = False
        recorder.record("GET post page", time.monotonic() - started, ok)


def commenter(site: Site, stop: float, recorder: Recorder, route: str) -> None:
    browser = Commenter(site.port, site.post_path)
    browser.load_form()
    while time.monotonic() < stop:
        text = f"Load comment {uuid.uuid4()} — ünïcødé ✓"
        started = time.monotonic()
        try:
            status = browser.post(text)
        except OSError:
            browser = Commenter(site.port, site.post_path)
            browser.load_form()
            status = 0
        ok = status == 302
        recorder.record(route, time.monotonic() - started, ok)
        if ok:
            with recorder.lock:
                recorder.acknowledged.append(text)


def run_phase(site, seconds, readers, commenters, recorder, route) -> float:
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=reader, args=(site, stop, recorder)) for _ in range(readers)]
    threads += [
        threading.Thread(target=commenter, args=(site, stop, recorder, route)) for _ in range(commenters)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return time.monotonic() - started


def stored_bodies(site: Site, database_url: str | None) -> list[str]:
    if database_url:
        code = (
            "from commentariat.discussion.models import Comment;"
            "import json;print(json.dumps(list(Comment.objects.values_list('body', flat=True))))"
        )
        import json

        return json.loads(site.run("shell", "-v0", "-c", code).strip().splitlines()[-1])
    with sqlite3.connect(site.database) as db:
        return [row[0] for row in db.execute("SELECT body FROM discussion_comment")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--burst-seconds", type=int, default=15)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--commenters", type=int, default=10)
    parser.add_argument("--database-url", help="PostgreSQL URL of an empty database (default: SQLite)")
    args = parser.parse_args()
    site = Site(args.database_url)
    try:
        site.start()
        recorder = Recorder()
        mixed = run_phase(site, args.seconds, args.readers, args.commenters, recorder, "POST comment (mixed)")
        burst = run_phase(site, args.burst_seconds, 0, args.commenters, recorder, "POST comment (burst)")
        site.kill()
        bodies = stored_bodies(site, args.database_url)
    finally:
        site.cleanup()

    print(
        f"\nLoad on {'PostgreSQL' if args.database_url else 'SQLite'}: {args.readers} readers and "
        f"{args.commenters} commenters for {args.seconds}s, then {args.commenters} commenters alone "
        f"for {args.burst_seconds}s\n"
    )
    print(f"{'route':24} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for route, values in recorder.latencies.items():
        duration = burst if "burst" in route else mixed
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"{route:24} {len(values):>9} {len(values) / duration:>8.1f} {statistics.median(values) * 1000:>8.1f} "
            f"{p99 * 1000:>8.1f} {recorder.errors.get(route, 0):>7}"
        )
    counts: dict[str, int] = {}
    for body in bodies:
        counts[body] = counts.get(body, 0) + 1
    missing = [text for text in recorder.acknowledged if counts.get(text, 0) == 0]
    doubled = [text for text in recorder.acknowledged if counts.get(text, 0) > 1]
    print(
        f"\nacknowledged comments: {len(recorder.acknowledged)}; missing: {len(missing)}; "
        f"stored more than once: {len(doubled)}"
    )
    if missing or doubled:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
