"""PDF of a post with 100 comments: how long WeasyPrint takes, cold and cached.

    .venv/bin/python bench/pdf.py [--comments 100] [--rounds 5]

Builds a throwaway SQLite site in a temp dir with one long post and its threaded comments,
then times, in this process: the print document (HTML, the reference), the PDF rendered
from scratch (cache cleared each round) and the PDF served from the cache. Goal: the cold
PDF under one second on the development machine.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["COMMENTARIAT_DATA_DIR"] = tempfile.mkdtemp(prefix="commentariat-pdf-")
os.environ["DJANGO_SETTINGS_MODULE"] = "commentariat.settings.base"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)
os.environ["COMMENTARIAT_INITIAL_MODERATION_MODE"] = "hold_none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from commentariat.discussion.services import submit_comment
    from commentariat.exports.pdf import post_pdf
    from commentariat.exports.printing import print_document
    from commentariat.publishing.models import Post

    call_command("migrate", verbosity=0)
    author = get_user_model().objects.create(username="bench", first_name="Bench", last_name="Writer")
    paragraph = (
        "The council's figures on the bridge, read closely, say [more](https://example.org/a) than it admits. "
        * 6
    )
    post = Post.objects.create(
        title="A long post", slug="a-long-post", author=author, status="published", published_at=timezone.now(),
        body="\n\n".join([paragraph] * 12 + ["> A quoted passage from the minutes, at some length. " * 3]),
    )  # fmt: skip
    parents = [None]
    for n in range(options.comments):
        parent = parents[n % len(parents)] if n % 3 else None
        comment = submit_comment(
            post=post, parent=parent, author_name=f"Reader {n}", author_email=f"r{n}@example.org",
            body=f"Comment {n}: a reply with some *emphasis* and a line or two of argument. " * 3,
        )  # fmt: skip
        if comment.depth < 3:
            parents.append(comment)
    url = f"http://127.0.0.1:8000{post.get_absolute_url()}"

    def timed(action) -> list[float]:
        samples = []
        for _ in range(options.rounds):
            started = time.perf_counter()
            action()
            samples.append(time.perf_counter() - started)
        return samples

    post_pdf(post, with_comments=True, url=url)  # the first render loads fonts and WeasyPrint
    rows = [
        (
            "print document (HTML), reference",
            timed(lambda: print_document(post, with_comments=True, url=url, for_pdf=True)),
        ),
        (
            "PDF, rendered (cache cleared)",
            timed(lambda: (cache.clear(), post_pdf(post, with_comments=True, url=url))),
        ),
        ("PDF, from the cache", timed(lambda: post_pdf(post, with_comments=True, url=url))),
    ]
    reference = statistics.median(rows[0][1])
    size = len(post_pdf(post, with_comments=True, url=url))
    print(
        f"Post with {options.comments} comments; PDF {size / 1024:,.0f} kB; median of {options.rounds} rounds\n"
    )
    print("| step | median ms | max ms | × reference | goal (PDF < 1 s) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, samples in rows:
        median = statistics.median(samples)
        goal = ("met" if median < 1 else "MISSED") if label.startswith("PDF, rendered") else ""
        print(
            f"| {label} | {median * 1000:,.0f} | {max(samples) * 1000:,.0f} | {median / reference:,.1f} | {goal} |"
        )


if __name__ == "__main__":
    main()
