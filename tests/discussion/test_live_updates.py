"""Live updates of an open thread, over HTTP: the SSE stream (under ASGI, as `serve --interface
asgi` runs it), the endpoint pages ask for new comments, and the switch that turns both off."""

import asyncio
import json
import threading
import time

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from commentariat.asgi import application as asgi_application
from commentariat.core import live as live_channels
from commentariat.discussion.models import Comment
from commentariat.discussion.services.status import decide
from tests.factories import make_comment

pytestmark = pytest.mark.django_db(transaction=True)


class _Stream:
    """A GET through the ASGI application whose body is read as it arrives; close() disconnects."""

    def __init__(self, path: str):
        self.messages: list[dict] = []
        self._leave = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve(path)), daemon=True)
        self._thread.start()

    async def _serve(self, path):
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"testserver"), (b"accept-encoding", b"gzip, br")],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        }  # fmt: skip
        requests = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            if requests:
                return requests.pop()
            while not self._leave.is_set():
                await asyncio.sleep(0.05)
            return {"type": "http.disconnect"}

        async def send(message):
            self.messages.append(message)

        await asgi_application(scope, receive, send)

    @property
    def status(self) -> int:
        return self.messages[0]["status"]

    @property
    def body(self) -> str:
        return b"".join(m.get("body", b"") for m in self.messages[1:]).decode()

    def wait_for(self, text: str, seconds: float = 5) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.body:
                return True
            time.sleep(0.05)
        return False

    def close(self):
        self._leave.set()
        self._thread.join(timeout=5)


@pytest.fixture
def held_post(post):
    post.comment_mode = "hold_all"
    post.save()
    return post


def test_the_stream_announces_an_approved_comment_and_never_a_held_one(held_post, moderator):
    stream = _Stream(f"/live/posts/{held_post.pk}/events/")
    try:
        assert stream.wait_for(": connected")
        assert stream.status == 200
        headers = {name.lower(): value for name, value in stream.messages[0]["headers"]}
        assert headers[b"content-type"] == b"text/event-stream"
        assert b"content-encoding" not in headers
        held = make_comment(held_post, body="Held for review.", email="held@example.org")
        assert held.status == Comment.Status.PENDING
        assert not stream.wait_for("event: comment", seconds=1)
        decide(comment=held, to=Comment.Status.APPROVED, by=moderator)
        assert stream.wait_for("event: comment")
        event = stream.body.split("event: comment\ndata: ")[1].split("\n")[0]
        assert json.loads(event) == {"comment": held.pk}
        assert "held@example.org" not in stream.body
    finally:
        stream.close()
    assert live_channels.subscriber_count(f"post:{held_post.pk}") == 0


def test_under_wsgi_the_stream_is_refused_so_pages_poll(client, post):
    response = client.get(f"/live/posts/{post.pk}/events/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_past_the_bound_of_streams_a_process_refuses_more(post, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "LIVE_STREAMS_PER_PROCESS": 1}
    first = _Stream(f"/live/posts/{post.pk}/events/")
    try:
        assert first.wait_for(": connected")
        second = _Stream(f"/live/posts/{post.pk}/events/")
        second._thread.join(timeout=5)
        assert second.status == 503
    finally:
        first.close()


def test_new_comments_endpoint_gives_approved_comments_rendered_never_held_ones(client, held_post, moderator):
    page = client.get(held_post.get_absolute_url())
    after = int(page.content.decode().split('data-after="')[1].split('"')[0])
    held = make_comment(held_post, body="<script>alert(1)</script> Still held.", email="x@example.org")
    answer = client.get(f"/live/posts/{held_post.pk}/comments/?after={after}").json()
    assert answer["comments"] == [] and answer["latest"] == after
    decide(comment=held, to=Comment.Status.APPROVED, by=moderator)
    response = client.get(f"/live/posts/{held_post.pk}/comments/?after={after}")
    # The same for every anonymous reader: a shared cache answers the crowd, purged with the post.
    assert "public" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]
    assert response["xkey"] == f"site post-{held_post.pk}"
    (found,) = response.json()["comments"]
    assert found["id"] == held.pk and found["number"] == "1" and found["parent_id"] is None
    assert f'id="comment-{held.pk}"' in found["html"]
    assert "&lt;script&gt;" in found["html"] and "<script>" not in found["html"]
    assert "x@example.org" not in response.content.decode()


def test_new_comments_are_personal_for_a_reader_with_personal_cookies_or_a_protected_post(client, post, settings):
    make_comment(post)
    url = f"/live/posts/{post.pk}/comments/?after=0"
    client.cookies["commentariat_commenter"] = "remembered"
    personal = client.get(url)
    assert personal["Cache-Control"] == "no-store" and "xkey" not in personal
    del client.cookies["commentariat_commenter"]
    post.password = "letmein"
    post.save()
    assert client.post(f"/unlock/{post.pk}/", {"post_password": "letmein"}).status_code == 302
    unlocked = client.get(url)  # this browser knows the password: its answer is never shared
    assert unlocked.status_code == 200
    assert unlocked["Cache-Control"] == "no-store" and "xkey" not in unlocked


def test_new_comments_of_a_locked_or_unpublished_post_are_not_given(client, post):
    make_comment(post)
    post.password = "letmein"
    post.save()
    assert client.get(f"/live/posts/{post.pk}/comments/?after=0").status_code == 404
    assert client.get("/live/posts/999999/comments/?after=0").status_code == 404


def test_the_page_carries_the_live_region_and_script(client, post):
    response = client.get(post.get_absolute_url())
    assertContains(response, 'id="live-news"')
    assertContains(response, 'role="status" aria-live="polite"')
    assertContains(response, "discussion/live.js")


def test_switched_off_there_is_no_script_and_no_endpoint(client, post, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "LIVE_UPDATES": False}
    response = client.get(post.get_absolute_url())
    assertNotContains(response, "live.js")
    assertNotContains(response, "live-news")
    assert client.get(f"/live/posts/{post.pk}/comments/?after=0").status_code == 404
    assert client.get(f"/live/posts/{post.pk}/events/").status_code == 404
