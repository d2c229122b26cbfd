"""The JSON API as a tool uses it: HTTP requests with JSON in and out."""

import json

import pytest
from django.contrib.auth.models import Group

from commentariat.api.models import ApiToken
from commentariat.discussion.models import Comment
from commentariat.discussion.services import remove_comment
from commentariat.moderation.models import Sanction
from commentariat.publishing.models import Post
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(post):
    first = make_comment(post, name="Ada Reader", email="ada@private.example", body="First *point*.")
    reply = make_comment(post, parent=first, name="Ben Reply", email="ben@private.example", body="A reply.")
    second = make_comment(post, name="Cy Gone", email="cy@private.example", body="Removed later.")
    make_comment(post, parent=second, name="Di Stays", email="di@private.example", body="Still here.")
    remove_comment(comment=second)
    return post, first, reply


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_openapi_and_docs_are_served(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Commentariat API"
    assert "/api/posts/{post_id}/comments" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_posts_list_and_detail_show_published_posts_only(client, author, post):
    draft = make_post(author=author, slug="draft", status=Post.Status.DRAFT)
    listing = client.get("/api/posts").json()
    assert [item["id"] for item in listing["items"]] == [post.pk]
    assert listing["count"] == 1 and listing["items"][0]["url"].endswith(post.get_absolute_url())
    assert client.get(f"/api/posts/{post.pk}").json()["body_html"].startswith("<p>")
    missing = client.get(f"/api/posts/{draft.pk}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_thread_is_nested_numbered_approved_only_and_never_carries_emails(client, thread):
    post, first, reply = thread
    held = make_comment(post, name="Held Back", email="held@private.example", body="Not yet")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    response = client.get(f"/api/posts/{post.pk}/comments")
    data = response.json()
    assert [c["number"] for c in data["comments"]] == ["1", "2"]
    assert data["comments"][0]["replies"][0]["number"] == "1.1"
    placeholder = data["comments"][1]
    assert placeholder["removed"] and placeholder["body_html"] == "" and placeholder["author_name"] == ""
    assert placeholder["replies"][0]["author_name"] == "Di Stays"
    body = response.content.decode()
    assert "@private.example" not in body and "author_email" not in body and "Not yet" not in body
    assert client.get(f"/api/posts/{post.pk}/comments?page=9").status_code == 404


def test_submitting_a_comment_follows_the_forms_rules(client, thread, policy):
    from tests.factories import clear_of_minute_boundary

    clear_of_minute_boundary(margin=30)  # the flood count at the end includes the first comment
    post, first, _ = thread
    created = post_json(client, f"/api/posts/{post.pk}/comments",
                        {"author_name": "Eve API", "author_email": "eve@example.org", "body": "Via the API",
                         "parent_id": first.pk})  # fmt: skip
    assert created.status_code == 201
    assert created.json()["status"] == "published" and created.json()["number"] == "1.2"
    invalid = post_json(
        client,
        f"/api/posts/{post.pk}/comments",
        {"author_name": "X", "author_email": "x@example.org", "body": "  "},
    )
    assert invalid.status_code == 422 and invalid.json()["error"]["fields"]["body"] == [
        "Please write a comment."
    ]
    wrong_type = client.post(
        f"/api/posts/{post.pk}/comments", "name=x", content_type="application/x-www-form-urlencoded"
    )
    assert wrong_type.status_code == 415 and wrong_type.json()["error"] == {
        "code": "unsupported_media_type",
        "message": "Send JSON (Content-Type: application/json).",
        "fields": {},
    }
    broken = client.post(f"/api/posts/{post.pk}/comments", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_request"
    bad_parent = post_json(client, f"/api/posts/{post.pk}/comments",
                           {"author_name": "X", "author_email": "x@example.org", "body": "Hi", "parent_id": 999999})  # fmt: skip
    assert bad_parent.status_code == 400 and bad_parent.json()["error"]["code"] == "invalid_parent"
    Sanction.objects.create(kind=Sanction.Kind.BAN, email="banned@example.org", reason="trolling")
    banned = post_json(
        client,
        f"/api/posts/{post.pk}/comments",
        {"author_name": "B", "author_email": "banned@example.org", "body": "Hello"},
    )
    assert banned.status_code == 403 and banned.json()["error"]["code"] == "refused"
    policy.flood_limit_per_minute = 2
    policy.save()
    statuses = [
        post_json(client, f"/api/posts/{post.pk}/comments",
                  {"author_name": "F", "author_email": "flood@example.org", "body": f"Flood {n}"}).status_code
        for n in range(3)
    ]  # fmt: skip
    assert statuses[-1] == 429


@pytest.fixture
def moderator_token(django_user_model):
    user = django_user_model.objects.create_user(username="mona", is_staff=True)
    user.groups.add(Group.objects.get(name="moderator"))
    _, key = ApiToken.issue(user, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_conflict_offers_force_only_where_forcing_can_help(client, post, moderator_token):
    from commentariat.discussion.services.status import erase_at_authors_request

    changed = make_comment(post, body="Changed since the moderator looked.")
    stale = post_json(client, f"/api/moderation/comments/{changed.pk}/decision",
                      {"decision": "remove", "seen_version": changed.state_version - 1}, **moderator_token)  # fmt: skip
    assert stale.status_code == 409 and "force: true" in stale.json()["error"]["message"]
    erased = erase_at_authors_request(comment=make_comment(post, body="Erase me."))
    for force in (False, True):
        answer = post_json(client, f"/api/moderation/comments/{erased.pk}/decision",
                           {"decision": "approve", "force": force}, **moderator_token)  # fmt: skip
        assert answer.status_code == 409
        assert "erased" in answer.json()["error"]["message"] and "force" not in answer.json()["error"]["message"]


def test_staff_endpoints_need_a_valid_token(client, django_user_model):
    assert client.get("/api/moderation/queue").status_code == 401
    assert client.get("/api/moderation/queue", HTTP_AUTHORIZATION="Bearer forged").status_code == 401
    editor = django_user_model.objects.create_user(username="ed", is_staff=True)
    _, key = ApiToken.issue(editor)
    forbidden = client.get("/api/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"


def test_a_moderator_reads_the_queue_decides_and_bans(client, post, moderator_token):
    held = make_comment(post, name="Waiting", email="wait@example.org", body="Please approve")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    queue = client.get("/api/moderation/queue", **moderator_token).json()
    assert [(item["id"], item["author_email"]) for item in queue] == [(held.pk, "wait@example.org")]
    decided = post_json(
        client, f"/api/moderation/comments/{held.pk}/decision", {"decision": "approve"}, **moderator_token
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert Comment.objects.get(pk=held.pk).number == "1"
    wrong = post_json(
        client, f"/api/moderation/comments/{held.pk}/decision", {"decision": "delete-all"}, **moderator_token
    )
    assert wrong.status_code == 422
    banned = post_json(
        client,
        "/api/moderation/bans",
        {"email": "troll@example.org", "reason": "abuse", "days": 7},
        **moderator_token,
    )
    assert (
        banned.status_code == 201 and Sanction.objects.get(email="troll@example.org").expires_at is not None
    )
    empty = post_json(client, "/api/moderation/bans", {"reason": "nobody"}, **moderator_token)
    assert empty.status_code == 422


def test_out_of_range_numbers_are_clear_errors_not_crashes(client, post):
    huge = "9" * 30
    assert client.get(f"/api/posts/{huge}").status_code in (404, 422)
    assert client.get(f"/api/posts?page={huge}").status_code == 422
    assert client.get(f"/api/posts/{post.pk}/comments?page={huge}").status_code == 422
    response = post_json(
        client,
        f"/api/posts/{huge}/comments",
        {"author_name": "X", "author_email": "x@example.org", "body": "Hi"},
    )
    assert response.status_code in (404, 422) and "error" in response.json()


def test_every_error_under_api_has_the_same_json_body(client):
    for method, url, status in [("post", "/api/posts", 405), ("get", "/api/no-such-endpoint", 404),
                                ("get", "/api/posts/abc", 422), ("get", "/api/moderation/queue", 401)]:  # fmt: skip
        response = getattr(client, method)(url)
        assert response.status_code == status, url
        assert response["Content-Type"].startswith("application/json"), url
        assert set(response.json()["error"]) == {"code", "message", "fields"}, url


def test_a_ban_with_a_malformed_network_or_control_characters_is_refused_or_cleaned(client, moderator_token):
    url = "/api/moderation/bans"
    bad = client.post(url, {"kind": "ban", "reason": "x", "ip_network": "\x00\u00e3 not a net"},
                      content_type="application/json", **moderator_token)  # fmt: skip
    assert bad.status_code == 422 and "ip_network" in bad.json()["error"]["fields"]
    ok = client.post(url, {"kind": "ban", "reason": "Spam\x15 run", "name": "Bot\x00 Bob"},
                     content_type="application/json", **moderator_token)  # fmt: skip
    assert ok.status_code == 201 and ok.json()["name"] == "Bot Bob"
    # Something that cleans to nothing names no one: a clear 422, never a server error.
    blank = client.post(url, {"kind": "ban", "reason": "x", "name": "\x00 \x15"},
                        content_type="application/json", **moderator_token)  # fmt: skip
    assert blank.status_code == 422 and "Name an email" in blank.json()["error"]["message"]
