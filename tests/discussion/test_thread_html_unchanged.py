"""The thread's HTML is exactly what it was before the speed work of issue 15.

data/thread_snapshot.html was written by the rendering code of before that work (run with
WRITE_THREAD_SNAPSHOT=1); every later optimisation of discussion/rendering.py must keep it.
The thread covers each branch: replies, a removed comment kept as a placeholder, a comment held
for its author, an editors' pick, hostile names and addresses, the reply form in place, quotes,
the edit window and staff links; and a second rendering without them.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import timezone

from commentariat.discussion.rendering import render_thread
from commentariat.discussion.threads import ThreadComment, ThreadNode

SNAPSHOT = Path(__file__).parent / "data" / "thread_snapshot.html"
HOSTILE = "<script>alert('x')</script> & \"Ada\" \u202e"


class _QuotingPost:
    title = "A post <quoting> & more"

    def get_absolute_url(self):
        return "/2026/11/quoting/"


def _comment(id, number, *, parent=None, status="approved", name="Reader", url="", picked=False, erased=False):
    depth = number.count(".")
    moment = datetime(2026, 1, 5, 23, 30, 15, 123456, tzinfo=UTC) + timedelta(hours=id * 7, minutes=id)
    return ThreadComment(
        id=id, post_id=1, parent_id=parent, status=status, kind="comment", author_name=name, author_url=url,
        body_html=f"<p>Text of {number or 'a held comment'} &amp; more</p>", number=number, depth=depth,
        root_sequence=int(number.split(".")[0]) if number else None, sort_key=number, created_at=moment,
        published_at=moment if number else None, picked_at=moment if picked else None,
        erased_at=moment if erased else None,
    )  # fmt: skip


def _thread() -> list[ThreadNode]:
    first = ThreadNode(_comment(11, "1", name=HOSTILE, url="https://example.org/?a=1&b=\"2\""))
    reply = ThreadNode(_comment(12, "1.1", parent=11, url="javascript:alert(1)", picked=True))
    deep = ThreadNode(_comment(13, "1.1.1", parent=12, name="Ünïcödé 名前"))
    held = ThreadNode(_comment(14, "", parent=11, name="Me, waiting"), is_pending=True)
    reply.children = [deep]
    first.children = [reply, held]
    removed = ThreadNode(_comment(15, "2", status="removed"), is_placeholder=True)
    removed.children = [ThreadNode(_comment(16, "2.1", parent=15))]
    erased = ThreadNode(_comment(17, "3", status="removed", erased=True), is_placeholder=True)
    erased.children = [ThreadNode(_comment(18, "3.1", parent=17, name="Late"))]
    return [first, removed, erased, ThreadNode(_comment(19, "4", name="Last"))]


def _render() -> str:
    with timezone.override("America/New_York"):
        full = render_thread(
            _thread(), page_query="cpage=2&order=newest", accepts_replies=True, reply_to_id=12,
            reply_form='<form id="respond">the form</form>', quoted_in={11: [_QuotingPost()]},
            can_quote=True, can_pick=True, editable={19: 299}, can_report=True,
        )  # fmt: skip
        plain = render_thread(_thread(), accepts_replies=False, can_report=False)
    return f"{full}\n<!-- without replies, reports or extras -->\n{plain}\n"


def test_thread_html_is_unchanged_by_the_speed_work():
    if os.environ.get("WRITE_THREAD_SNAPSHOT"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(_render())
    assert _render() == SNAPSHOT.read_text()
