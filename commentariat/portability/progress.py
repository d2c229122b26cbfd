"""A progress bar for long imports, drawn on a terminal only."""

import sys
import time


class CountingReader:
    """A binary file wrapper that counts the bytes the parser has read."""

    def __init__(self, raw):
        self.raw = raw
        self.position = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.position += len(data)
        return data


class ProgressBar:
    def __init__(self, reader: CountingReader, total: int, *, stream=sys.stderr, every: float = 0.2):
        self.reader, self.total, self.stream, self.every = reader, max(total, 1), stream, every
        self.enabled = stream.isatty()
        self.last = 0.0

    def update(self, report) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < self.every:
            return
        self.last = now
        share = min(self.reader.position / self.total, 1.0)
        filled = int(share * 30)
        posts = sum(n for what, n in report.counts.items() if what.startswith(("posts", "pages")))
        comments = sum(n for what, n in report.counts.items() if what.startswith("comments"))
        self.stream.write(
            f"\r[{'#' * filled}{' ' * (30 - filled)}] {share:4.0%}  {posts:,} posts/pages, {comments:,} comments"
        )
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()
