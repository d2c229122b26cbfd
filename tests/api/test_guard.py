"""Writes to the API as other sites' pages and scripts would try them: JSON only, from this site
or its embed origins, within hourly limits per IP and per email address."""

import json

import pytest

from commentariat.discussion.models import Comment

pytestmark = pytest.mark.django_db

BLOG = "https://blog.example.org"
EVIL = "https://evil.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SITE_URL": "https://comments.example.org",
                             "EMBED_ORIGINS": [BLOG]}  # fmt: skip


def comment(n=1, email=None):
    return {"author_name": "Ada", "author_email": email or f"ada{n}@example.org", "body": f"Comment {n}"}


def send(client, post, data, *, content_type="application/json", **headers):
    body = json.dumps(data) if isinstance(data, dict) else data
    return client.post(f"/api/posts/{post.pk}/comments", body, content_type=content_type, **headers)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", json.dumps(comment())),  # what fetch() from any page may send without asking
        ("text/plain;charset=UTF-8", json.dumps(comment())),
        ("application/x-www-form-urlencoded", "author_name=Ada&author_email=a%40example.org&body=Hi"),
        ("multipart/form-data; boundary=x", f'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\n{json.dumps(comment())}\r\n--x--\r\n'),
    ],
)  # fmt: skip
def test_a_write_that_is_not_json_is_refused_with_415(client, post, content_type, body):
    response = send(client, post, body, content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {"error": {"code": "unsupported_media_type",
                                         "message": "Send JSON (Content-Type: application/json).", "fields": {}}}  # fmt: skip
    assert not Comment.objects.exists()


def test_staff_writes_need_json_too(client, post, django_user_model):
    from django.contrib.auth.models import Group

    from commentariat.api.models import ApiToken

    user = django_user_model.objects.create_user(username="mona", is_staff=True)
    user.groups.add(Group.objects.get(name="moderator"))
    _, key = ApiToken.issue(user)
    response = client.post("/api/moderation/bans", json.dumps({"email": "x@example.org", "reason": "r"}),
                           content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip
    assert response.status_code == 415 and response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": EVIL},
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a file
        {"HTTP_ORIGIN": "https://comments.example.org.evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},  # a browser that names no origin still says this
    ],
)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_page_on_another_site_cannot_post_as_its_visitors(client, post, headers, content_type):
    response = send(client, post, comment(), content_type=content_type, **headers)
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "origin_not_allowed", "fields": {},
                                        "message": "Pages on other sites may not write to this API."}  # fmt: skip
    assert "Access-Control-Allow-Origin" not in response
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script or a server: no Origin
        {"HTTP_ORIGIN": "https://comments.example.org"},  # the site's own address (COMMENTARIAT_SITE_URL)
        {
            "HTTP_ORIGIN": "http://testserver",
            "HTTP_SEC_FETCH_SITE": "same-origin",
        },  # the host asked (/api/docs)
    ],
)
def test_this_sites_pages_and_scripts_may_post(client, post, headers):
    assert send(client, post, comment(), **headers).status_code == 201


def test_an_embed_origin_may_post_after_its_preflight(client, post):
    preflight = client.options(f"/api/posts/{post.pk}/comments", HTTP_ORIGIN=BLOG,
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")  # fmt: skip
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == BLOG
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "Content-Type"
    created = send(client, post, comment(), HTTP_ORIGIN=BLOG)
    assert created.status_code == 201 and created["Access-Control-Allow-Origin"] == BLOG
    assert "Origin" in created["Vary"]
    # Other sites get no such answer: their browsers never send the JSON.
    refused = client.options(f"/api/posts/{post.pk}/comments", HTTP_ORIGIN=EVIL,
                             HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")  # fmt: skip
    assert "Access-Control-Allow-Origin" not in refused


def test_reading_stays_open_to_any_origin(client, post):
    assert client.get(f"/api/posts/{post.pk}/comments", HTTP_ORIGIN=EVIL).status_code == 200


def _limits(settings, *, per_ip, per_email):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "API_COMMENTS_PER_IP_PER_HOUR": per_ip,
                             "API_COMMENTS_PER_EMAIL_PER_HOUR": per_email}  # fmt: skip


def test_one_ip_address_may_send_so_many_comments_an_hour_whatever_the_email(client, post, settings, policy):
    _limits(settings, per_ip=3, per_email=10)
    bot = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = [send(client, post, comment(n), **bot).status_code for n in range(3)]
    refused = send(client, post, comment(4), **bot)
    assert statuses == [201, 201, 201] and refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and error["fields"] == {}
    assert error["message"].startswith("Too many comments from your connection in the last hour.")
    assert Comment.objects.count() == 3
    # Another reader, elsewhere, is not held up; the embed counts against the same limit.
    assert send(client, post, comment(5), REMOTE_ADDR="198.51.100.7").status_code == 201
    embed = {"url": f"{BLOG}/a-page/", "title": "A page", **comment(6)}
    from_embed = client.post("/embed/comments", json.dumps(embed), content_type="application/json",
                             HTTP_ORIGIN=BLOG, **bot)  # fmt: skip
    assert from_embed.status_code == 429 and from_embed["Retry-After"]


def test_one_email_address_may_send_so_many_comments_an_hour_from_any_ip(client, post, settings, policy):
    _limits(settings, per_ip=30, per_email=2)
    statuses = [
        send(client, post, comment(n, email="Ada@Example.org"), REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    refused = send(client, post, comment(9, email="ada@example.org"), REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith("Too many comments from this email address")


def test_moderators_see_the_comments_the_api_limits_refused(client, moderator_client, post, settings, policy):
    _limits(settings, per_ip=1, per_email=10)
    send(client, post, comment(1))
    send(client, post, {**comment(2), "author_name": "Spammy Sam"})
    page = moderator_client.get("/moderation/refused/").content.decode()
    assert "Too many comments in an hour through the API or the embed" in page and "Spammy Sam" in page
