"""Whatever Unicode a commenter sends — control characters, NUL, lone surrogates, bidi overrides,
invisible names — through whichever way in, no page, feed or answer breaks afterwards, and what is
stored is clean (core/text.py)."""

import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from commentariat.core import text
from commentariat.discussion.models import Comment
from commentariat.portability.comment_import import IncomingComment, store_comments
from commentariat.portability.report import ImportReport
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db

BLOG = "https://blog.example.org"
# Every code point, the troublesome ones made likely: controls, NUL, bidi controls, zero widths.
NASTY = st.sampled_from(
    list("\x00\x01\x1b\x7f\x85\x9f\r\n\t\u200b\u200d\u2028\u202e\u2066\u2069\ufeff\ufffe\uffff<&>\"'")
)
ANY_TEXT = st.text(alphabet=st.one_of(NASTY, st.characters(codec="utf-8")), min_size=1, max_size=40)
WITH_SURROGATES = st.text(alphabet=st.one_of(NASTY, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
                                             st.characters(codec="utf-8")), min_size=1, max_size=40)  # fmt: skip
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def site(post, policy, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "EMBED_ORIGINS": [BLOG],
                             "API_COMMENTS_PER_IP_PER_HOUR": 10_000, "API_COMMENTS_PER_EMAIL_PER_HOUR": 10_000}  # fmt: skip
    policy.flood_limit_per_minute = 0
    policy.save()
    return post


def _surfaces(post) -> list[str]:
    url = post.get_absolute_url()
    return ["/", url, f"{url}print/?comments=1", "/comments/feed/", "/comments/feed/atom/", f"{url}feed/",
            f"/api/posts/{post.pk}/comments", "/search/?q=a&in=comments"]  # fmt: skip


def _every_surface_answers(post, staff=None) -> None:
    reader = Client()
    for url in _surfaces(post):
        response = reader.get(url)
        assert response.status_code == 200, url
        if "feed" in url:
            etree.fromstring(response.content)  # well-formed XML, or this raises
        if url.startswith("/api/"):
            json.loads(response.content)
    if staff is not None:
        assert staff.get("/moderation/?status=all").status_code == 200


def _stored_clean(comment: Comment) -> None:
    for value in (comment.author_name, comment.author_email, comment.author_url, comment.body):
        assert text.clean_text(value) == value
        assert "\r" not in value
    assert "\n" not in comment.author_name and not re.search(
        "[\u202a-\u202e\u2066-\u2069]", comment.author_name
    )


def _latest() -> Comment | None:
    return Comment.objects.order_by("-pk").first()


@PROPERTY
@given(name=ANY_TEXT, body=ANY_TEXT, url=ANY_TEXT)
def test_through_the_form(site, moderator_client, name, body, url):
    response = Client().post(
        f"{site.get_absolute_url()}comments/",
        comment_form(author_name=name, body=body, author_url=f"https://example.org/{url}"),
    )
    assert response.status_code in (302, 400, 409), response.status_code
    if (comment := _latest()) is not None:
        _stored_clean(comment)
    _every_surface_answers(site, moderator_client)


@PROPERTY
@given(name=WITH_SURROGATES, body=WITH_SURROGATES)
def test_through_the_api_and_the_embed(site, name, body):
    payload = {"author_name": name, "author_email": "api@example.org", "author_url": "", "body": body}
    raw = json.dumps(payload)  # lone surrogates travel as \\udXXX escapes
    api = Client().post(f"/api/posts/{site.pk}/comments", raw, content_type="application/json")
    assert api.status_code in (201, 409, 422), api.content
    embed = Client().post("/embed/comments", json.dumps({**payload, "url": f"{BLOG}/page/"}),
                          content_type="application/json", HTTP_ORIGIN=BLOG)  # fmt: skip
    assert embed.status_code in (201, 409, 422), embed.content
    for comment in Comment.objects.all():
        _stored_clean(comment)
    _every_surface_answers(site)
    assert Client().get("/embed/thread", {"url": f"{BLOG}/page/"}).status_code in (200, 404)


@PROPERTY
@given(body=ANY_TEXT)
def test_through_the_edit_window_and_a_moderators_edit(site, moderator_client, body):
    author = Client()
    author.post(f"{site.get_absolute_url()}comments/", comment_form(body="Before the edit."))
    comment = _latest()
    edited = author.post(f"/comments/{comment.pk}/edit/", {"body": body})
    assert edited.status_code in (302, 400, 403)
    staff_edit = moderator_client.post(f"/moderation/comments/{comment.pk}/edit/", {"body": body + "!"})
    assert staff_edit.status_code in (200, 302)
    comment.refresh_from_db()
    _stored_clean(comment)
    _every_surface_answers(site, moderator_client)


@PROPERTY
@given(name=ANY_TEXT, body=ANY_TEXT, url=ANY_TEXT)
def test_through_an_import(site, name, body, url):
    from django.utils import timezone

    incoming = IncomingComment(
        legacy_id=str(Comment.objects.count() + 1), parent_legacy_id="", kind="comment", status="approved",
        author_name=name, author_email="imported@example.org", author_url=url, ip_address="",
        created_at=timezone.now(), body=body, body_format="wordpress",
    )  # fmt: skip
    store_comments(site, [incoming], source="property-test", report=ImportReport(), label="property")
    _stored_clean(_latest())
    _every_surface_answers(site)


def test_rows_stored_before_the_cleaning_cannot_break_the_feeds(site):
    comment = make_comment(site, body="A fine comment.")
    Comment.objects.filter(pk=comment.pk).update(
        author_name="Old\x01Row\x1b",
        body="Stored\x02 long ago\x0b",  # (PostgreSQL cannot store NUL at all; SQLite can)
        body_html="<p>Stored\x02 long ago\x0b</p>",
    )
    _every_surface_answers(site)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("author_name", "\u200b\u200d\u2060", "Please enter your name."),
        ("author_name", "\u202e\u202e", "Please enter your name."),
        ("author_url", "ftp://files.example.org/", "starting with http:// or https://"),
        ("author_url", "https://user:secret@example.org/", "without a user name or password"),
        ("body", "\u200b \u200b", "Please write a comment."),
    ],
)
def test_unusable_values_get_a_message_at_their_field(site, field, value, message):
    response = Client().post(f"{site.get_absolute_url()}comments/", comment_form(**{field: value}))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Comment.objects.exists()


def test_a_name_is_one_line_and_keeps_no_overrides(site):
    Client().post(f"{site.get_absolute_url()}comments/", comment_form(author_name="Ada\r\nLovelace\u202e"))
    assert Comment.objects.get().author_name == "Ada Lovelace"


def test_an_import_reports_what_it_cut(site, settings):
    from django.utils import timezone

    report = ImportReport()
    incoming = IncomingComment(
        legacy_id="1", parent_legacy_id="", kind="comment", status="approved", author_name="N" * 300,
        author_email="long@example.org", author_url="ftp://old.example.org/", ip_address="",
        created_at=timezone.now(), body="x" * 25_000, body_format="wordpress",
    )  # fmt: skip
    store_comments(site, [incoming], source="limits-test", report=report, label="limits")
    comment = Comment.objects.get()
    assert len(comment.author_name) == 100 and comment.author_url == "" and len(comment.body) == 20_000
    lines = "\n".join(report.lines())
    assert "names cut to 100 characters" in lines and "comment texts cut to 20,000 characters" in lines
    assert "websites dropped" in lines
