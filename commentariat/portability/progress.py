"""Progress of a long import: a bar redrawn in place on a terminal, plain lines elsewhere.

A log file or a cron mail cannot take carriage returns, so when the stream is not a terminal
a line is written every `line_items` items or `line_seconds` seconds, whichever comes first.
"""

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
    def __init__(
        self, reader, total: int, *, stream=None, every: float = 0.2,
        line_items: int = 1000, line_seconds: float = 10.0,
    ):  # fmt: skip
        self.reader, self.total, self.every = reader, max(total, 1), every
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.on_terminal = bool(isatty and isatty())
        self.line_items, self.line_seconds = line_items, line_seconds
        self.last, self.last_line = 0.0, time.monotonic()  # the bar shows at once; lines when due
        self.items = self.items_at_last_line = 0
        self.drawn = False

    def update(self, report) -> None:
        self.items += 1
        now = time.monotonic()
        if self.on_terminal:
            if now - self.last >= self.every:
                self.last, self.drawn = now, True
                self._write(f"\r{self._bar()} {self._status(report)}")
        elif (
            self.items - self.items_at_last_line >= self.line_items
            or now - self.last_line >= self.line_seconds
        ):
            self.last_line, self.items_at_last_line = now, self.items
            self._write(f"{self._share():4.0%} read, {self.items:,} items: {self._status(report)}\n")

    def done(self) -> None:
        if self.on_terminal and self.drawn:
            self._write("\r" + " " * 100 + "\r")

    def _share(self) -> float:
        return min(self.reader.position / self.total, 1.0)

    def _bar(self) -> str:
        filled = int(self._share() * 30)
        return f"[{'#' * filled}{' ' * (30 - filled)}] {self._share():4.0%} "

    @staticmethod
    def _status(report) -> str:
        posts = sum(n for what, n in report.counts.items() if what.startswith(("posts", "pages")))
        comments = sum(n for what, n in report.counts.items() if what.startswith("comments"))
        return f"{posts:,} posts/pages, {comments:,} comments, {len(report.skipped):,} skipped"

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
