"""Small server-rendered SVG charts for the moderation dashboard.

Our own renderer rather than a plotting library: three chart shapes (bars over days, a line over
days, horizontal bars by category) are a few dozen lines each, while pygal or matplotlib would add
a dependency (and, for matplotlib, tens of megabytes) to draw them. Each chart is an accessible
image (role="img" named by its <title> and <desc>) followed by the same numbers as a table, for
screen readers and for anyone who wants the exact values. Colours are presentation attributes and
classes, never inline styles, so the site's Content-Security-Policy (style-src 'self') holds.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 30


@dataclass(frozen=True)
class Point:
    label: str  # the category or day, as the table shows it
    value: float | None  # None: no value that day (a gap in a line)
    shown: str  # the value as people read it ("3 h 20 min", "42 %")


def _count(value: float) -> str:
    """A count on an axis: whole numbers only."""
    return f"{value:.0f}"


def bar_chart(*, chart_id: str, title: str, description: str, points: Sequence[Point],
              axis: Callable[[float], str] = _count, tick_every: int = 5) -> SafeString:  # fmt: skip
    """Vertical bars, one per point (days, oldest first), with an axis labelled by `axis`."""
    top = _scale_top(points)
    step = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bars = []
    for n, point in enumerate(points):
        if point.value is None:
            continue
        height = (HEIGHT - TOP - BOTTOM) * point.value / top
        bars.append(format_html(
            '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
            _n(LEFT + n * step + step * 0.15), _n(HEIGHT - BOTTOM - height), _n(step * 0.7), _n(height),
            point.label, point.shown,
        ))  # fmt: skip
    body = mark_safe("".join(bars)) + _y_axis(top, axis) + _x_labels(points, step, tick_every)
    return _figure(chart_id, title, description, body, points, HEIGHT)


def line_chart(*, chart_id: str, title: str, description: str, points: Sequence[Point],
               axis: Callable[[float], str] = _count, tick_every: int = 5) -> SafeString:  # fmt: skip
    """A line through the points (days, oldest first), broken where a day has no value."""
    top = _scale_top(points)
    step = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    segments, current, dots = [], [], []
    for n, point in enumerate(points):
        if point.value is None:
            segments, current = segments + [current] if current else segments, []
            continue
        x = LEFT + n * step + step / 2
        y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * point.value / top
        current.append(f"{x:.1f},{y:.1f}")
        dots.append(format_html('<circle class="chart-dot" cx="{}" cy="{}" r="3"><title>{}: {}</title></circle>',
                                _n(x), _n(y), point.label, point.shown))  # fmt: skip
    if current:
        segments.append(current)
    lines = format_html_join("", '<polyline class="chart-line" fill="none" points="{}"/>',
                             ((" ".join(segment),) for segment in segments))  # fmt: skip
    body = lines + mark_safe("".join(dots)) + _y_axis(top, axis) + _x_labels(points, step, tick_every)
    return _figure(chart_id, title, description, body, points, HEIGHT)


def horizontal_bar_chart(
    *, chart_id: str, title: str, description: str, points: Sequence[Point]
) -> SafeString:
    """One labelled horizontal bar per category, its value written at its end."""
    row, label_width = 26, 200
    height = TOP + row * max(len(points), 1) + 8
    top = _scale_top(points)
    rows = []
    for n, point in enumerate(points):
        y = TOP + n * row
        length = (WIDTH - label_width - 70) * (point.value or 0) / top
        rows.append(format_html(
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
            '<text class="chart-value" x="{}" y="{}">{}</text>',
            label_width - 8, y + 15, _short(point.label, 26), label_width, y + 3, _n(length), row - 8,
            point.label, point.shown, _n(label_width + length + 6), y + 15, point.shown,
        ))  # fmt: skip
    return _figure(chart_id, title, description, mark_safe("".join(rows)), points, height)


def _figure(chart_id: str, title: str, description: str, body: SafeString, points: Sequence[Point],
            height: int) -> SafeString:  # fmt: skip
    table_rows = format_html_join("", "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                                  ((p.label, p.shown) for p in points))  # fmt: skip
    return format_html(
        '<figure class="chart" id="{id}">'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
        '<details class="chart-data"><summary>The numbers behind “{title}”</summary>'
        '<table class="log-table"><tbody>{rows}</tbody></table></details></figure>',
        id=chart_id, w=WIDTH, h=height, title=title, desc=description, body=body, rows=table_rows,
    )  # fmt: skip


def _y_axis(top: float, axis: Callable[[float], str]) -> SafeString:
    ticks = []
    for fraction in (0, 0.5, 1):
        if top * fraction % 1 and axis is _count:
            continue  # counts: no line at 0.5 of a comment
        y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * fraction
        ticks.append(format_html(
            '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT, WIDTH - RIGHT, _n(y), _n(y), LEFT - 6, _n(y + 4), axis(top * fraction),
        ))  # fmt: skip
    return mark_safe("".join(ticks))


def _x_labels(points: Sequence[Point], step: float, every: int) -> SafeString:
    # Every `every`-th day, counted from the newest so that the last day is always named, as
    # month-day: the year would not fit under a bar.
    last = len(points) - 1
    return format_html_join(
        "",
        '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_n(LEFT + n * step + step / 2), HEIGHT - 10, p.label[-5:])
         for n, p in enumerate(points) if (last - n) % every == 0),
    )  # fmt: skip


def _scale_top(points: Sequence[Point]) -> float:
    """A round number at or above the largest value, so that the axis reads plainly."""
    largest = max((p.value for p in points if p.value is not None), default=0)
    if largest <= 0:
        return 1
    magnitude = 10 ** (len(str(int(largest))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if largest <= factor * magnitude:
            return factor * magnitude
    return largest


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
