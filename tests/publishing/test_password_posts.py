"""Password-protected posts (as WordPress has them), as readers, writers and operators meet them:
listed by title and excerpt, their body and discussion only behind the password, and nowhere else
(feeds, sitemap, search, API, print, PDF, mail) for readers without it."""

import base64
import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from commentariat.discussion.models import Comment, Subscription
from commentariat.publishing import visibility
from commentariat.publishing.models import Category, Post, Tag
from commentariat.publishing.views import PASSWORD_TRIES_PER_HOUR
from commentariat.publishing.visibility import PASSWORD_COOKIE
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db

PASSWORD = "open sesame"
BODY_SECRET = "marzipanolith"
COMMENT_SECRET = "quillwortacious"
OPENING_WORDS = "Hushwhisper opening"  # the first words of a protected body without an excerpt
EXCERPT = "A teaser the writer chose to show."
TITLE = "The sealed dispatch"
WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def site(author):
    """A public post, and a protected one with an approved comment, in the same category and tag."""
    economy = Category.objects.create(name="Economy", slug="economy")
    housing = Tag.objects.create(name="housing", slug="housing")
    public = make_post(author=author, title="An open letter", slug="an-open-letter", body="Open words.")
    make_comment(public, name="Open Reader", body="A public remark.")
    make_comment(public, name="Open Reader", body="Another public remark.")
    protected = make_post(
        author=author, title=TITLE, slug="sealed-dispatch", excerpt=EXCERPT, password=PASSWORD,
        body=f"The body holds the word {BODY_SECRET} for subscribers only.",
    )  # fmt: skip
    comments = [
        make_comment(protected, name="Inner Circle", body=f"A reply saying {COMMENT_SECRET}."),
        make_comment(protected, name="Inner Circle", body="Second inner remark."),
        make_comment(protected, name="Inner Circle", body="Third inner remark."),
    ]
    assert all(c.status == Comment.Status.APPROVED and c.number for c in comments)
    for post in (public, protected):
        post.categories.add(economy)
        post.tags.add(housing)
    protected.refresh_from_db()
    assert protected.comment_count == 3
    return {"public": public, "protected": protected}


def unlock(client, post, password=PASSWORD):
    return client.post(f"/unlock/{post.pk}/", {"post_password": password})


def month_url(post) -> str:
    moment = timezone.localtime(post.published_at)
    return f"/{moment.year}/{moment.month:02d}/"


def summary_of(page: str, title: str) -> str:
    """The listing's <article class="post-summary"> that carries title."""
    for block in re.findall(r'<article class="post-summary">.*?</article>', page, re.DOTALL):
        if title in block:
            return block
    raise AssertionError(f"no summary for {title!r} in the listing")


def is_locked(page: str) -> bool:
    return 'name="post_password"' in page


# Lists


def test_listings_show_title_and_excerpt_never_body_comments_or_comment_count(client, site):
    protected = site["protected"]
    no_excerpt = make_post(
        author=protected.author, title="A second sealed note", slug="second-sealed", password="other",
        body=f"{OPENING_WORDS} of a body nobody may read without the password.",
    )  # fmt: skip
    no_excerpt.categories.add(*protected.categories.all())
    no_excerpt.tags.add(*protected.tags.all())
    for url in ("/", "/category/economy/", "/tag/housing/", "/author/editor/", month_url(protected)):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        summary = summary_of(page, TITLE)
        assert f'href="{protected.get_absolute_url()}"' in summary, url
        assert EXCERPT in summary and "Protected" in summary, url
        assert "comment" not in summary, url  # no "3 comments" for it
        # the public post beside it does show its count: the check above can fail
        assert "2 comments" in summary_of(page, "An open letter"), url
        other = summary_of(page, "A second sealed note")
        assert OPENING_WORDS not in other and "protected by a password" in other, url
        assert BODY_SECRET not in page and COMMENT_SECRET not in page, url
        assert "Inner Circle" not in page, url


# The post's own page


def test_the_page_shows_the_password_form_not_the_body_or_discussion(client, site):
    protected = site["protected"]
    response = client.get(protected.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert TITLE in page and EXCERPT in page and is_locked(page)
    assert f'action="/unlock/{protected.pk}/"' in page
    assert BODY_SECRET not in page and COMMENT_SECRET not in page and "Inner Circle" not in page
    assert "comment-form" not in page and f"{protected.get_absolute_url()}comments/" not in page
    assert "3 comments" not in page
    # The public post's page, by contrast, has its body and thread.
    public_page = client.get(site["public"].get_absolute_url()).content.decode()
    assert "Open words." in public_page and "A public remark." in public_page and not is_locked(public_page)


def test_a_wrong_password_answers_403_with_a_message_and_no_cookie(client, site):
    protected = site["protected"]
    response = unlock(client, protected, "open sesame!")
    page = response.content.decode()
    assert response.status_code == 403
    assert "That is not the password of this post." in page and is_locked(page)
    assert BODY_SECRET not in page and COMMENT_SECRET not in page
    assert PASSWORD_COOKIE not in response.cookies
    assert unlock(client, protected, "").status_code == 403
    assert is_locked(client.get(protected.get_absolute_url()).content.decode())


def test_the_right_password_redirects_sets_the_cookie_and_opens_body_comments_and_form(client, site):
    protected = site["protected"]
    response = unlock(client, protected)
    assert response.status_code == 302
    assert response["Location"] == protected.get_absolute_url()
    cookie = response.cookies[PASSWORD_COOKIE]
    assert cookie.value and cookie["httponly"] and PASSWORD not in cookie.value
    page = client.get(protected.get_absolute_url()).content.decode()
    assert not is_locked(page)
    assert BODY_SECRET in page and COMMENT_SECRET in page and "Inner Circle" in page
    assert "3 comments" in page
    assert f'action="{protected.get_absolute_url()}comments/#respond"' in page


def test_after_unlocking_a_comment_can_be_posted_and_is_shown(client, site):
    protected = site["protected"]
    unlock(client, protected)
    response = client.post(
        f"{protected.get_absolute_url()}comments/", comment_form(body="Posted by one who knows the word.")
    )
    assert response.status_code == 302
    comment = Comment.objects.get(post=protected, body="Posted by one who knows the word.")
    assert comment.status == Comment.Status.APPROVED
    page = client.get(response["Location"]).content.decode()
    assert "Posted by one who knows the word." in page


def test_after_unlocking_a_reply_to_a_comment_can_be_posted(client, site):
    protected = site["protected"]
    parent = Comment.objects.get(post=protected, body__contains=COMMENT_SECRET)
    unlock(client, protected)
    response = client.post(
        f"{protected.get_absolute_url()}comments/", comment_form(parent=parent.pk, body="A reply within.")
    )
    assert response.status_code == 302
    reply = Comment.objects.get(post=protected, body="A reply within.")
    assert reply.parent_id == parent.pk and reply.number == "1.1"


def test_after_unlocking_the_reply_link_opens_the_form_under_the_comment(client, site):
    protected = site["protected"]
    parent = Comment.objects.get(post=protected, body__contains=COMMENT_SECRET)
    unlock(client, protected)
    page = client.get(f"{protected.get_absolute_url()}?replytocom={parent.pk}").content.decode()
    assert BODY_SECRET in page
    assert "Replying to <bdi>Inner Circle</bdi>" in page
    assert f'name="parent" value="{parent.pk}"' in page


def test_without_the_password_the_reply_link_shows_nothing_of_the_comment(client, site):
    protected = site["protected"]
    parent = Comment.objects.get(post=protected, body__contains=COMMENT_SECRET)
    page = client.get(f"{protected.get_absolute_url()}?replytocom={parent.pk}").content.decode()
    assert is_locked(page) and "Inner Circle" not in page and COMMENT_SECRET not in page


def test_following_the_discussion_needs_the_password(client, site, mailoutbox):
    protected = site["protected"]
    response = client.post(f"{protected.get_absolute_url()}follow/", {"email": "nosy@example.org"})
    assert response.status_code == 404
    assert not Subscription.objects.filter(email="nosy@example.org").exists() and mailoutbox == []
    unlock(client, protected)
    response = client.post(f"{protected.get_absolute_url()}follow/", {"email": "member@example.org"})
    assert response.status_code == 200
    assert Subscription.objects.filter(email="member@example.org", post=protected).exists()


def test_followers_from_before_the_password_do_not_get_the_protected_discussion_by_email(
    client, author, mailoutbox, django_capture_on_commit_callbacks
):
    post = make_post(author=author, title="Open at first", slug="open-at-first")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{post.get_absolute_url()}follow/", {"email": "early@example.org"})
    (confirmation,) = [m for m in mailoutbox if "early@example.org" in m.to]
    confirm_path = re.search(r"(/notifications/confirm/[^\s]+/)", confirmation.body).group(1)
    client.post(confirm_path)
    assert Subscription.objects.get(email="early@example.org").confirmed_at is not None
    # The writer protects the post; the early follower never learns the password.
    post.password = "members now"
    post.save()
    member = Client()
    unlock(member, post, "members now")
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            f"{post.get_absolute_url()}comments/", comment_form(body=f"Members talk of {COMMENT_SECRET}.")
        )
    assert response.status_code == 302
    to_early = [m for m in mailoutbox if "early@example.org" in m.to and m is not confirmation]
    assert not any(COMMENT_SECRET in m.body for m in to_early)
    assert not any(COMMENT_SECRET in str(m.alternatives) for m in to_early)


def test_a_cookie_for_another_post_does_not_unlock(client, site):
    protected = site["protected"]
    other = make_post(author=protected.author, title="Another sealed one", password="different")
    same_word = make_post(author=protected.author, title="Same password, other post", password=PASSWORD)
    assert unlock(client, other, "different").status_code == 302
    assert unlock(client, same_word).status_code == 302
    assert not is_locked(client.get(other.get_absolute_url()).content.decode())
    page = client.get(protected.get_absolute_url()).content.decode()
    assert is_locked(page) and BODY_SECRET not in page
    # Neither may the other post's cookie be used to comment here.
    before = Comment.objects.count()
    assert client.post(f"{protected.get_absolute_url()}comments/", comment_form()).status_code == 403
    assert Comment.objects.count() == before


def test_a_forged_or_tampered_cookie_does_not_unlock(client, site):
    protected = site["protected"]
    # The right entry, but not signed by the site.
    forged = json.dumps({str(protected.pk): visibility._password_hash(protected)})
    for value in (forged, base64.urlsafe_b64encode(forged.encode()).decode()):
        client.cookies[PASSWORD_COOKIE] = value
        assert is_locked(client.get(protected.get_absolute_url()).content.decode())
    good = unlock(Client(), protected).cookies[PASSWORD_COOKIE].value
    client.cookies[PASSWORD_COOKIE] = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    assert is_locked(client.get(protected.get_absolute_url()).content.decode())
    client.cookies[PASSWORD_COOKIE] = good  # the same value, untouched, opens it: the check can fail
    assert not is_locked(client.get(protected.get_absolute_url()).content.decode())


def test_an_old_password_no_longer_unlocks_after_the_writer_changes_it(client, site):
    protected = site["protected"]
    unlock(client, protected)
    assert BODY_SECRET in client.get(protected.get_absolute_url()).content.decode()
    protected.password = "a new secret"
    protected.save()
    page = client.get(protected.get_absolute_url()).content.decode()
    assert is_locked(page) and BODY_SECRET not in page
    assert client.post(f"{protected.get_absolute_url()}comments/", comment_form()).status_code == 403
    assert unlock(client, protected, PASSWORD).status_code == 403
    assert unlock(client, protected, "a new secret").status_code == 302
    assert BODY_SECRET in client.get(protected.get_absolute_url()).content.decode()


def test_a_protected_page_is_locked_at_its_own_address_too(client, author):
    page_post = make_post(author=author, title="Members' corner", slug="members-corner", kind=Post.Kind.PAGE,
                          password="corner key", body=f"Page body {BODY_SECRET}.")  # fmt: skip
    make_comment(page_post, name="Corner Reader", body=f"Page remark {COMMENT_SECRET}.")
    assert page_post.get_absolute_url() == "/members-corner/"
    page = client.get("/members-corner/").content.decode()
    assert is_locked(page) and BODY_SECRET not in page and COMMENT_SECRET not in page
    before = Comment.objects.count()
    assert client.post("/members-corner/comments/", comment_form()).status_code == 403
    assert Comment.objects.count() == before
    response = unlock(client, page_post, "corner key")
    assert response.status_code == 302 and response["Location"] == "/members-corner/"
    page = client.get("/members-corner/").content.decode()
    assert BODY_SECRET in page and COMMENT_SECRET in page
    assert client.post("/members-corner/comments/", comment_form()).status_code == 302


# Without the password


def test_without_the_password_a_comment_is_refused_with_403_and_nothing_is_stored(client, site):
    protected = site["protected"]
    before = Comment.objects.count()
    response = client.post(
        f"{protected.get_absolute_url()}comments/", comment_form(body="Sneaking in a remark.")
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Enter the post&#x27;s password before commenting." in page and is_locked(page)
    assert COMMENT_SECRET not in page
    assert Comment.objects.count() == before
    # The same form on the public post is accepted: the refusal is the password's doing.
    assert client.post(f"{site['public'].get_absolute_url()}comments/", comment_form()).status_code == 302


def test_without_the_password_the_api_refuses_a_comment_too(client, site):
    protected = site["protected"]
    before = Comment.objects.count()
    payload = {"author_name": "Api Reader", "author_email": "api@example.org", "body": "Through the API."}
    response = client.post(f"/api/posts/{protected.pk}/comments", payload, content_type="application/json")
    assert response.status_code == 404
    assert Comment.objects.count() == before


@pytest.mark.parametrize("suffix", ["print/", "print/?comments=1", "pdf/", "email/", "feed/", "feed/atom/"])
def test_print_pdf_email_and_comment_feeds_are_404_without_the_password(client, site, suffix):
    protected = site["protected"]
    response = client.get(protected.get_absolute_url() + suffix)
    assert response.status_code == 404
    assert BODY_SECRET.encode() not in response.content and COMMENT_SECRET.encode() not in response.content
    if not suffix.startswith("feed"):  # the public post's exports answer (its comment feed too)
        assert client.get(site["public"].get_absolute_url() + suffix).status_code == 200


def test_its_comment_feeds_stay_404_even_with_the_password(client, site):
    # A feed reader cannot enter a password, and feeds are shared: the comments stay out.
    protected = site["protected"]
    unlock(client, protected)
    for suffix in ("feed/", "feed/atom/"):
        assert client.get(protected.get_absolute_url() + suffix).status_code == 404
    assert client.get(site["public"].get_absolute_url() + "feed/").status_code == 200


def test_email_form_cannot_send_it_without_the_password(client, site, mailoutbox):
    protected = site["protected"]
    response = client.post(
        f"{protected.get_absolute_url()}email/",
        {"recipient": "friend@example.org", "sender_name": "Ada", "note": ""},
    )
    assert response.status_code == 404 and mailoutbox == []


SURFACES = [
    "/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/", "/sitemap.xml",
    "/category/economy/feed/", "/tag/housing/feed/atom/", "/author/editor/feed/",
    f"/search/?q={BODY_SECRET}", f"/search/?q={COMMENT_SECRET}&in=comments",
]  # fmt: skip


def _strip_search_echo(url: str, body: str) -> str:
    if url.startswith("/search/"):
        # The page repeats what was searched for; nothing else may carry the word.
        for word in (BODY_SECRET, COMMENT_SECRET):
            for echo in (f"“{word}”", f'value="{word}"', f"q={word}"):
                body = body.replace(echo, "")
    return body


@pytest.mark.parametrize("url", SURFACES)
def test_absent_from_feeds_sitemap_and_search_until_the_password_is_removed(client, site, url, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PAGE_CACHE": False}
    protected = site["protected"]
    response = client.get(url)
    assert response.status_code == 200, url
    body = _strip_search_echo(url, response.content.decode())
    for hidden in (BODY_SECRET, COMMENT_SECRET, protected.slug, TITLE, "Inner Circle"):
        assert hidden not in body, (url, hidden)
    if url.startswith("/search/"):
        assert "No results for" in body
    # The same post without a password shows there: each check above can fail.
    protected.password = ""
    protected.save()
    shown = _strip_search_echo(url, client.get(url).content.decode())
    assert protected.slug in shown or TITLE in shown or "Inner Circle" in shown, url


def test_a_reader_who_entered_the_password_still_does_not_find_it_by_search(client, site):
    protected = site["protected"]
    unlock(client, protected)
    for url in (f"/search/?q={BODY_SECRET}", f"/search/?q={COMMENT_SECRET}&in=comments"):
        assert "No results for" in client.get(url).content.decode(), url
    assert client.get(f"/search/result/{protected.pk}/").status_code == 404
    assert client.get(f"/search/result/{site['public'].pk}/").status_code == 302


def test_absent_from_the_api(client, site):
    protected, public = site["protected"], site["public"]
    listing = client.get("/api/posts").json()
    ids = [item["id"] for item in listing["items"]]
    assert public.pk in ids and protected.pk not in ids
    assert listing["count"] == 1
    assert BODY_SECRET not in str(listing) and EXCERPT not in str(listing)
    for url in (f"/api/posts/{protected.pk}", f"/api/posts/{protected.pk}/comments"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert (
            BODY_SECRET not in response.content.decode() and COMMENT_SECRET not in response.content.decode()
        )
    assert client.get(f"/api/posts/{public.pk}").status_code == 200
    assert client.get(f"/api/posts/{public.pk}/comments").status_code == 200
    # Not even for a browser that entered the password: the API serves what anyone may read.
    unlock(client, protected)
    assert client.get(f"/api/posts/{protected.pk}").status_code == 404


def test_a_comment_permalink_leads_to_the_locked_page(client, site):
    protected = site["protected"]
    comment = Comment.objects.get(post=protected, body__contains=COMMENT_SECRET)
    response = client.get(f"/comments/{comment.pk}/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and is_locked(page) and COMMENT_SECRET not in page


# With the password


def test_with_the_password_the_print_view_and_email_page_work(client, site):
    protected = site["protected"]
    unlock(client, protected)
    response = client.get(f"{protected.get_absolute_url()}print/")
    assert response.status_code == 200
    page = response.content.decode()
    assert BODY_SECRET in page and TITLE in page
    assert client.get(f"{protected.get_absolute_url()}email/").status_code == 200
    # Another browser, without the password, still gets a 404.
    assert Client().get(f"{protected.get_absolute_url()}print/").status_code == 404


def test_with_the_password_print_with_comments_prints_the_discussion(client, site):
    protected = site["protected"]
    unlock(client, protected)
    response = client.get(f"{protected.get_absolute_url()}print/?comments=1")
    assert response.status_code == 200
    page = response.content.decode()
    assert BODY_SECRET in page
    assert COMMENT_SECRET in page and "3 comments" in page
    pdf = client.get(f"{protected.get_absolute_url()}pdf/?comments=1")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert BODY_SECRET in words and COMMENT_SECRET in words


# The page cache


def test_the_page_cache_never_serves_the_unlocked_page_to_anyone_else(client, site, settings):
    assert settings.COMMENTARIAT["PAGE_CACHE"]
    protected = site["protected"]
    url = protected.get_absolute_url()
    # A stranger fills the cache with the locked page; a second stranger gets it from there.
    assert is_locked(Client().get(url).content.decode())
    again = Client().get(url)
    assert again["X-Page-Cache"] == "hit" and is_locked(again.content.decode())
    # The reader who unlocked gets the body, not the cached locked page.
    unlock(client, protected)
    mine = client.get(url)
    assert BODY_SECRET in mine.content.decode() and not is_locked(mine.content.decode())
    assert mine.get("X-Page-Cache") != "hit"
    assert "private" in mine["Cache-Control"]  # nor may a shared proxy keep it
    # A fresh client afterwards: still the locked page.
    fresh = Client().get(url)
    page = fresh.content.decode()
    assert fresh.status_code == 200 and is_locked(page)
    assert BODY_SECRET not in page and COMMENT_SECRET not in page


def test_the_page_cache_never_stores_the_unlocked_page_when_the_reader_comes_first(client, site, settings):
    assert settings.COMMENTARIAT["PAGE_CACHE"]
    protected = site["protected"]
    url = protected.get_absolute_url()
    unlock(client, protected)
    for _ in range(2):
        assert BODY_SECRET in client.get(url).content.decode()
    for _ in range(2):
        page = Client().get(url).content.decode()
        assert is_locked(page) and BODY_SECRET not in page and COMMENT_SECRET not in page
    # The home page, cached for everybody, never carries the body either.
    assert BODY_SECRET not in client.get("/").content.decode()
    assert BODY_SECRET not in Client().get("/").content.decode()


def _wsgi_get(path: str, cookie: str = "") -> tuple[int, dict, str]:
    """A GET through the production WSGI application, whose cache hits never reach Django."""
    from commentariat.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookie, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, {k.lower(): v for k, v in headers}

    body = b"".join(application(environ, start_response)).decode()
    return int(answer["status"].split()[0]), answer["headers"], body


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_fast_path_serves_the_cached_locked_page_to_strangers_only(site):
    protected = site["protected"]
    url = protected.get_absolute_url()
    _wsgi_get(url)  # a stranger fills the cache
    status, headers, page = _wsgi_get(url)
    assert status == 200 and headers.get("x-page-cache") == "hit" and is_locked(page)
    cookie = unlock(Client(), protected).cookies[PASSWORD_COOKIE].value
    status, headers, page = _wsgi_get(url, cookie=f"{PASSWORD_COOKIE}={cookie}")
    assert status == 200 and headers.get("x-page-cache") != "hit"
    assert BODY_SECRET in page and COMMENT_SECRET in page and not is_locked(page)
    status, headers, page = _wsgi_get(url)
    assert is_locked(page) and BODY_SECRET not in page


# Guessing


def test_too_many_wrong_passwords_from_one_ip_answer_429(client, site):
    protected = site["protected"]
    for attempt in range(PASSWORD_TRIES_PER_HOUR):
        assert unlock(client, protected, f"guess {attempt}").status_code == 403, attempt
    response = unlock(client, protected, "one more guess")
    assert response.status_code == 429
    assert "Too many" in response.content.decode() and "try again" in response.content.decode()
    # Even the right password waits now, from this address...
    assert unlock(client, protected).status_code == 429
    assert PASSWORD_COOKIE not in client.cookies or not client.cookies[PASSWORD_COOKIE].value
    # ...while another address is not held back.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert unlock(other, protected).status_code == 302


# The editor


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password="x", first_name="Root", is_staff=True
    )
    user.groups.add(*Group.objects.filter(name="editor"))
    client.force_login(user)
    return client


def editor_form(**fields):
    data = {
        "title": "Members only", "slug": "", "kind": "post", "excerpt": "For members.",
        "body": f"Members read {BODY_SECRET}.", "status": "published", "publish_at": "",
        "comments_open": "on", "tag_names": "", "password": "",
    }  # fmt: skip
    data.update(fields)
    return data


def test_the_editor_sets_and_clears_the_password(superuser_client):
    page = superuser_client.get("/editor/new/").content.decode()
    assert 'name="password"' in page
    response = superuser_client.post("/editor/new/", editor_form(password="club key"))
    post = Post.objects.get(slug="members-only")
    assert response.status_code == 302 and response["Location"] == f"/editor/{post.pk}/"
    assert post.password == "club key" and post.is_published() and not post.is_public()
    # The writer sees the password in the form, to share it.
    assert 'value="club key"' in superuser_client.get(f"/editor/{post.pk}/").content.decode()

    reader = Client()
    page = reader.get(post.get_absolute_url()).content.decode()
    assert is_locked(page) and BODY_SECRET not in page
    assert unlock(reader, post, "club key").status_code == 302
    assert BODY_SECRET in reader.get(post.get_absolute_url()).content.decode()

    response = superuser_client.post(f"/editor/{post.pk}/", editor_form(password=""))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.password == "" and post.is_public()
    page = Client().get(post.get_absolute_url()).content.decode()  # the cached locked page is stale
    assert BODY_SECRET in page and not is_locked(page)
    assert "Members only" in Client().get("/feed/").content.decode()


def test_the_editor_protects_an_existing_public_post(superuser_client, author):
    post = make_post(author=author, title="Was public", slug="was-public", body=f"Now {BODY_SECRET}.")
    assert BODY_SECRET in Client().get(post.get_absolute_url()).content.decode()  # cached, public
    response = superuser_client.post(
        f"/editor/{post.pk}/",
        editor_form(title="Was public", slug="was-public", body=f"Now {BODY_SECRET}.", password="late key"),
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.password == "late key"
    page = Client().get(post.get_absolute_url()).content.decode()
    assert is_locked(page) and BODY_SECRET not in page
    assert "Was public" not in Client().get("/feed/").content.decode()


# WordPress export files


def wxr(items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>A tiny test site</title>
	<link>https://tiny.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://tiny.example.org</wp:base_site_url>
	<wp:base_blog_url>https://tiny.example.org</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[zoe]]></wp:author_login><wp:author_email><![CDATA[zoe@tiny.example.org]]></wp:author_email><wp:author_display_name><![CDATA[Zoe Quill]]></wp:author_display_name><wp:author_first_name><![CDATA[Zoe]]></wp:author_first_name><wp:author_last_name><![CDATA[Quill]]></wp:author_last_name></wp:author>
{items}
</channel>
</rss>
"""


def wxr_item(post_id: int, slug: str, title: str, body: str, password: str, comment: str = "") -> str:
    comment_xml = (
        f"""<wp:comment>
			<wp:comment_id>{post_id}01</wp:comment_id>
			<wp:comment_author><![CDATA[Imported Reader]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader@readers.example.net]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[203.0.113.5]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2021-03-02 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2021-03-02 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{comment}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>0</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""
        if comment
        else ""
    )
    return f"""	<item>
		<title>{title}</title>
		<link>https://tiny.example.org/2021/03/01/{slug}/</link>
		<pubDate>Mon, 01 Mar 2021 09:00:00 +0000</pubDate>
		<dc:creator><![CDATA[zoe]]></dc:creator>
		<guid isPermaLink="false">https://tiny.example.org/?p={post_id}</guid>
		<description></description>
		<content:encoded><![CDATA[{body}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date><![CDATA[2021-03-01 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2021-03-01 09:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[{password}]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		{comment_xml}
	</item>"""


def test_a_wxr_item_with_a_post_password_imports_as_a_protected_post(tmp_path, client):
    path = tmp_path / "tiny.xml"
    path.write_text(
        wxr(
            wxr_item(11, "members-news", "Members news", f"Only members read {BODY_SECRET}.", "secret",
                     comment=f"Imported {COMMENT_SECRET}")
            + wxr_item(12, "open-news", "Open news", "Everyone reads this.", "")
        )
    )  # fmt: skip
    out = io.StringIO()
    call_command("import_wxr", str(path), stdout=out)
    assert "posts created" in out.getvalue()
    protected, public = Post.objects.get(slug="members-news"), Post.objects.get(slug="open-news")
    assert protected.password == "secret" and public.password == ""
    assert protected.is_published() and not protected.is_public()
    assert Comment.objects.get(post=protected).status == Comment.Status.APPROVED

    page = client.get(protected.get_absolute_url()).content.decode()
    assert is_locked(page) and BODY_SECRET not in page and COMMENT_SECRET not in page
    assert "Members news" in client.get("/").content.decode()
    assert "members-news" not in client.get("/feed/").content.decode()
    assert "open-news" in client.get("/feed/").content.decode()
    assert unlock(client, protected, "secret").status_code == 302
    page = client.get(protected.get_absolute_url()).content.decode()
    assert BODY_SECRET in page and COMMENT_SECRET in page


def test_export_wxr_writes_the_password_back(tmp_path, author):
    protected = make_post(author=author, title="Kept close", slug="kept-close", password="s3cret word")
    public = make_post(author=author, title="Kept open", slug="kept-open")
    target = tmp_path / "site.xml"
    call_command("export_wxr", "--output", str(target), stdout=io.StringIO())
    tree = etree.parse(str(target))
    passwords = {
        item.findtext(f"{WP}post_name"): item.findtext(f"{WP}post_password")
        for item in tree.iterfind("channel/item")
    }
    assert passwords[protected.slug] == "s3cret word"
    assert passwords[public.slug] in ("", None)


def test_a_protected_post_survives_export_then_import(tmp_path, author):
    make_post(author=author, title="Round trip", slug="round-trip", password="loop",
              body=f"Circling {BODY_SECRET}.", published_at=timezone.now() - timedelta(days=3))  # fmt: skip
    target = tmp_path / "site.xml"
    call_command("export_wxr", "--output", str(target), stdout=io.StringIO())
    Post.objects.all().delete()
    call_command("import_wxr", str(target), stdout=io.StringIO())
    again = Post.objects.get(slug="round-trip")
    assert again.password == "loop" and not again.is_public()
