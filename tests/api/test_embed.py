"""The embeddable thread's endpoints, as another site's page calls them."""

import json

import pytest

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

pytestmark = pytest.mark.django_db

BLOG = "https://blog.example.org"
PAGE = f"{BLOG}/2026/11/a-static-post/"


@pytest.fixture(autouse=True)
def allowed(settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "EMBED_ORIGINS": [BLOG]}


def post_comment(client, data, origin=BLOG, content_type="application/json"):
    body = json.dumps(data) if content_type == "application/json" else data
    return client.post("/embed/comments", body, content_type=content_type, HTTP_ORIGIN=origin)


def comment(**fields):
    return {"url": PAGE, "title": "A static post", "author_name": "Ada", "author_email": "ada@private.example",
            "body": "From the blog.", **fields}  # fmt: skip


def test_the_script_is_small_and_served_to_any_site(client):
    response = client.get("/embed.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert len(response.content) < 15_000
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_first_comment_creates_the_thread_and_readers_see_it_without_cookies(client):
    empty = client.get("/embed/thread", {"url": PAGE}, HTTP_ORIGIN=BLOG).json()
    assert empty == {"url": PAGE, "comment_count": 0, "open": True, "comments": [], "moderation_note": ""}
    created = post_comment(client, comment())
    assert created.status_code == 201 and created["Access-Control-Allow-Origin"] == BLOG
    assert created.json()["number"] == "1"
    thread = Post.objects.get(kind=Post.Kind.EMBEDDED)
    assert thread.external_url == PAGE and thread.title == "A static post"
    reply = post_comment(client, comment(body="A reply.", parent_id=created.json()["id"], author_name="Ben"))
    assert reply.json()["number"] == "1.1"
    read = client.get("/embed/thread", {"url": PAGE + "#comments"})
    data = read.json()
    assert data["comment_count"] == 2 and data["comments"][0]["replies"][0]["author_name"] == "Ben"
    assert "private.example" not in read.content.decode()
    assert not read.cookies
    # The embedded thread is not a page of this site: not listed, not in the sitemap or search.
    assert "A static post" not in client.get("/").content.decode()
    assert PAGE not in client.get("/sitemap.xml").content.decode()


def test_the_same_moderation_applies(client, settings):
    from commentariat.moderation.models import ModerationPolicy

    policy = ModerationPolicy.current()
    policy.mode = "hold_all"
    policy.save()
    held = post_comment(client, comment())
    assert held.status_code == 201 and held.json()["status"] == "awaiting_moderation"
    assert client.get("/embed/thread", {"url": PAGE}).json()["comments"] == []
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_origins_not_on_the_list_wrong_types_and_bad_bodies_are_refused_and_nothing_is_stored(client):
    assert post_comment(client, comment(), origin="https://evil.example").status_code == 403
    assert post_comment(client, comment(), origin="").status_code == 403
    assert post_comment(client, comment(url="https://evil.example/page")).status_code == 403
    assert (
        post_comment(client, "author_name=x", content_type="application/x-www-form-urlencoded").status_code
        == 415
    )
    assert (
        client.post(
            "/embed/comments", "{broken", content_type="application/json", HTTP_ORIGIN=BLOG
        ).status_code
        == 400
    )
    invalid = post_comment(client, comment(body="   "))
    assert invalid.status_code == 422 and invalid.json()["error"]["fields"]["body"] == [
        "Please write a comment."
    ]
    assert post_comment(client, comment(parent_id="not-a-number")).status_code == 400
    assert client.get("/embed/comments").status_code == 405
    assert not Comment.objects.exists()


def test_preflight_answers_for_allowed_origins(client):
    response = client.options("/embed/comments", HTTP_ORIGIN=BLOG)
    assert response.status_code == 204
    assert (
        response["Access-Control-Allow-Origin"] == BLOG and "POST" in response["Access-Control-Allow-Methods"]
    )
    assert response["Access-Control-Allow-Headers"] == "Content-Type"


def test_control_characters_in_the_page_address_are_not_a_server_error(client):
    # PostgreSQL refuses NUL in any text: unclean addresses were a 500 there.
    answer = client.get("/embed/thread", {"url": f"{BLOG}/a\x00page/"}, HTTP_ORIGIN=BLOG)
    assert answer.status_code == 200 and answer.json()["url"] == f"{BLOG}/apage/"


def test_an_empty_comment_is_refused_naming_every_missing_field(client):
    refused = post_comment(client, {"url": PAGE, "title": "A static post"})
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) >= {"body", "author_name", "author_email"}
    assert not Comment.objects.exists()


def test_the_script_may_be_kept_by_any_cache_whoever_asks(moderator):
    from django.test import Client

    staff = Client()
    staff.force_login(moderator)
    # The same bytes for every site and reader: public, even for a request with a session.
    for reader in (Client(), staff):
        assert reader.get("/embed.js")["Cache-Control"] == "public, max-age=3600"
