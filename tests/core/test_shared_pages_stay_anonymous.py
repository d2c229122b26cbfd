"""What one reader's cookies put in a page never reaches the next anonymous reader: the sequences
a hostile reader would try, through Django and through the fast path in front of it (a cache
hit answered before Django), and the live answer a shared cache keeps."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from commentariat.discussion.models import Comment
from commentariat.discussion.services.status import decide
from tests.core.direct_requests import wsgi_get
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db(transaction=True)

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


def _anonymous_pages(post) -> list[str]:
    """The post's page as the next anonymous readers get it: through Django, then from the fast path."""
    pages = [Client().get(post.get_absolute_url()).content.decode()]
    pages += [wsgi_get(post.get_absolute_url())[2] for _ in range(2)]
    return pages


def test_a_held_comment_and_its_notice_stay_with_their_author(post):
    post.comment_mode = "hold_all"
    post.save()
    wsgi_get(post.get_absolute_url())  # a page is already stored
    author = Client()
    author.post(
        post.get_absolute_url() + "comments/",
        comment_form(author_name="Held Hannah", author_email="hannah@example.org", body="Held words here.",
                     remember="on"),
        **SAME_ORIGIN,
    )  # fmt: skip
    assert "Held words here." in author.get(post.get_absolute_url()).content.decode()
    for page in _anonymous_pages(post):
        assert "Held words here." not in page and "Held Hannah" not in page
        assert "hannah@example.org" not in page and "awaiting moderation" not in page.lower()
        assert "csrfmiddlewaretoken" not in page


def test_remembered_details_and_edit_links_stay_with_their_reader(post):
    reader = Client()
    reader.post(
        post.get_absolute_url() + "comments/",
        comment_form(author_name="Rita Remembered", author_email="rita@example.org", remember="on"),
        **SAME_ORIGIN,
    )
    comment = Comment.objects.get()
    own = reader.get(post.get_absolute_url()).content.decode()
    assert "rita@example.org" in own and f"/comments/{comment.pk}/edit/" in own
    for page in _anonymous_pages(post):
        assert "rita@example.org" not in page and f"/comments/{comment.pk}/edit/" not in page


def test_a_moderators_page_leaves_nothing_for_the_next_reader(post, moderator):
    make_comment(post, body="A comment a moderator may pick.")
    staff = Client()
    staff.force_login(moderator)
    own = staff.get(post.get_absolute_url())
    assert "private" in own["Cache-Control"] and "/moderation/" in own.content.decode()
    for page in _anonymous_pages(post):
        assert "/moderation/" not in page and "csrfmiddlewaretoken" not in page


def test_an_unlocked_protected_post_stays_locked_for_the_next_reader(author):
    from tests.factories import make_post

    locked = make_post(author=author, title="Members' notes", body="Only for members.", password="pw")
    make_comment(locked, body="A member's remark.")
    member = Client()
    unlock = reverse("publishing:post-unlock", kwargs={"pk": locked.pk})
    assert member.post(unlock, {"post_password": "pw"}, **SAME_ORIGIN).status_code == 302
    assert "Only for members." in member.get(locked.get_absolute_url()).content.decode()
    for page in _anonymous_pages(locked):
        assert "Only for members." not in page and "A member's remark." not in page


def test_a_removed_comment_leaves_the_shared_live_answer_at_once(post, moderator, settings, monkeypatch):
    from commentariat.core import purgers

    purged = []
    monkeypatch.setattr(purgers, "purge", lambda keys: purged.extend(keys))
    comment = make_comment(post, body="Soon to be removed.")
    address = f"/live/posts/{post.pk}/comments/?after=0"
    shared = Client().get(address)
    assert "public" in shared["Cache-Control"] and "Soon to be removed." in shared.content.decode()
    purged.clear()
    decide(comment=comment, to=Comment.Status.REMOVED, by=moderator)
    assert f"post-{post.pk}" in purged  # what Varnish or a CDN kept of it is dropped
    after = json.loads(Client().get(address).content)
    assert "Soon to be removed." not in json.dumps(after) and comment.author_email not in json.dumps(after)


@pytest.mark.parametrize(
    "cookie", ["csrftoken=bad!", "csrftoken=" + "x" * 20], ids=["malformed", "too-short"]
)
def test_a_malformed_csrf_cookie_gets_no_fresh_one_on_a_shared_answer(post, cookie):
    # Django replaces a malformed CSRF cookie on any answer. On a shared one, a cache keeping the
    # Set-Cookie would hand one CSRF secret to every reader (the sender of the bad cookie knows it),
    # and a cache refusing it would pass every reader of the page to the app for a while.
    for address in (post.get_absolute_url(), f"/live/posts/{post.pk}/comments/?after=0"):
        status, headers, _ = wsgi_get(address, cookie=cookie)
        assert status == 200 and "public" in headers["cache-control"][0]
        assert "set-cookie" not in headers, address
