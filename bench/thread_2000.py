"""Page 1 of a 2,000-comment thread: bytes on the wire and uncached render time, against a
20-comment thread measured in the same run.

    .venv/bin/python bench/thread_2000.py [--renders 40] [--keep]

Builds a throwaway SQLite site (its own data dir) with a post of 2,000 comments (a third of them
top-level, the rest replies up to five levels deep, texts of 20–120 words drawn from a fixed
vocabulary with a fixed seed) and one of 20, then, in this process, through the WSGI application
as a server calls it: the page's size as sent for Accept-Encoding br, gzip and none, uncached
and from the page cache, and the p50/p90 of uncached renders. Prints one table; exits 1 when
page 1 of the big thread is over 100 KB on the wire (br or gzip) or its uncached p50 over 50 ms.
The machine's load average is printed beside the times: the cores are shared.
"""

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "the council budget levy library vote trust town argument reader evidence claim policy "
    "because however therefore although data survey report minister public cost tax school "
    "housing transport road rail bus water energy price market wage worker union strike court "
    "law judge ruling appeal election candidate campaign poll turnout district mayor county "
    "figure percent million billion year decade history record source article author point "
    "agree disagree wrong right fair unfair simple complex obvious unclear likely unlikely"
).split()


def _text(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(2, 8)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        sentences.append(" ".join(words).capitalize() + ".")
    text = " ".join(sentences)
    if rng.random() < 0.2:
        text = f"> {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}\n\n" + text
    if rng.random() < 0.15:
        text += f" See https://example.org/{rng.randint(1, 10**6)}"
    return text


def _seed(size: int, slug: str, author, rng: random.Random):
    from django.utils import timezone

    from commentariat.discussion.services import submit_comment
    from commentariat.publishing.models import Post

    post = Post.objects.create(
        title=f"A post with {size} comments", slug=slug, author=author, status="published",
        body=("A paragraph of analysis with a [link](https://example.org). " * 12 + "\n\n") * 15,
        published_at=timezone.now(),
    )  # fmt: skip
    placed = []
    for i in range(size):
        parent = rng.choice(placed[-60:]) if placed and i % 3 else None
        placed.append(
            submit_comment(
                post=post, parent=parent, author_name=f"Reader {rng.randint(1, 400)}",
                author_email=f"r{i}@example.org", author_url="https://example.org/" if i % 5 == 0 else "",
                body=_text(rng),
            )  # fmt: skip
        )
    return post


def _get(path: str, encoding: str) -> tuple[dict, bytes]:
    from commentariat.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip
    if encoding:
        environ["HTTP_ACCEPT_ENCODING"] = encoding
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update((name.lower(), value) for name, value in headers)
        answer["status"] = status

    body = b"".join(application(environ, start_response))
    assert answer["status"].startswith("200"), answer["status"]
    return answer, body


def _uncached_times(path: str, renders: int, encoding: str) -> list[float]:
    from django.conf import settings

    settings.COMMENTARIAT["PAGE_CACHE"] = False
    from commentariat.core import page_cache_wsgi

    page_cache_wsgi._settings.loaded = False
    try:
        _get(path, encoding)  # warm
        times = []
        for _ in range(renders):
            started = time.perf_counter()
            _get(path, encoding)
            times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        settings.COMMENTARIAT["PAGE_CACHE"] = True
        page_cache_wsgi._settings.loaded = False


def _sizes(path: str) -> dict:
    from django.core.cache import cache

    cache.clear()
    sizes = {}
    for label, encoding in (("br", "gzip, deflate, br"), ("gzip", "gzip, deflate"), ("none", "")):
        headers, body = _get(path, encoding)
        sizes[f"{label} uncached"] = (len(body), headers.get("content-encoding", "-"))
        headers, body = _get(path, encoding)
        assert headers.get("x-page-cache") == "hit", headers.get("x-page-cache")
        sizes[f"{label} cached"] = (len(body), headers.get("content-encoding", "-"))
        cache.clear()
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway data dir")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="commentariat-thread2000-"))
    os.environ.update(
        COMMENTARIAT_DATA_DIR=str(work), DJANGO_SETTINGS_MODULE="commentariat.settings.base",
        COMMENTARIAT_INITIAL_MODERATION_MODE="hold_none", COMMENTARIAT_TASKS="immediate",
    )  # fmt: skip
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from commentariat.moderation.models import ModerationPolicy

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        policy = ModerationPolicy.current()
        policy.flood_limit_per_minute = 0
        policy.save()
        rng = random.Random(2000)
        author = get_user_model().objects.create(username="bench")
        started = time.perf_counter()
        big = _seed(2000, "big", author, rng).get_absolute_url()
        small = _seed(20, "small", author, rng).get_absolute_url()
        print(f"seeded 2,020 comments in {time.perf_counter() - started:.0f} s")
        return _report(big, small, options.renders)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def _report(big: str, small: str, renders: int) -> int:
    rows, failures = [], []
    for label, path in (("2,000 comments, page 1", big), ("20 comments (reference)", small)):
        sizes = _sizes(path)
        plain = statistics.median(_uncached_times(path, renders, ""))
        # As a browser asks for it: rendered, then compressed.
        times = sorted(_uncached_times(path, renders, "gzip, deflate, br"))
        p50, p90 = statistics.median(times), times[int(len(times) * 0.9) - 1]
        rows.append((label, sizes, p50, p90, plain))
        if path == big:
            for key in ("br uncached", "br cached", "gzip uncached", "gzip cached"):
                if sizes[key][0] > 100 * 1024:
                    failures.append(f"{key}: {sizes[key][0] / 1024:.1f} KB > 100 KB")
            if p50 > 50:
                failures.append(f"uncached p50 {p50:.1f} ms > 50 ms")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    header = ("page", "none", "gzip", "br", "gzip (cached)", "br (cached)", "render p50 (br)", "p90 (br)",
              "render p50 (uncompressed)")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for label, sizes, p50, p90, plain in rows:
        kb = {key: f"{value[0] / 1024:.1f} KB" for key, value in sizes.items()}
        print(
            f"{label} | {kb['none uncached']} | {kb['gzip uncached']} | {kb['br uncached']} | "
            f"{kb['gzip cached']} | {kb['br cached']} | {p50:.1f} ms | {p90:.1f} ms | {plain:.1f} ms"
        )
    big_p50, small_p50 = rows[0][2], rows[1][2]
    print(f"render ratio (2,000 / 20): {big_p50 / small_p50:.1f}×")
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
