import json
import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from commentariat.discussion.models import Comment
from commentariat.discussion.screening import Screening
from commentariat.discussion.services import remove_comment
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db

HELD = Screening(Comment.Status.PENDING, "Held for the test.")


def _comment_url(post):
    return post.get_absolute_url() + "comments/"


class _ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def _elements(html):
    """Every start tag in html, with its attributes, as a browser's parser would see them."""
    collector = _ElementCollector()
    collector.feed(html)
    return collector.elements


def _json_ld(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))


def test_posting_a_comment_lands_on_its_anchor_and_shows_it_numbered(client, post):
    response = client.post(_comment_url(post), comment_form())
    comment = Comment.objects.get()
    assertRedirects(
        response, f"{post.get_absolute_url()}#comment-{comment.pk}", fetch_redirect_response=False
    )
    page = client.get(post.get_absolute_url())
    assertContains(page, "A thoughtful reply.")
    assertContains(page, f'<a class="comment-number" href="#comment-{comment.pk}"', html=False)
    assertContains(page, "1 comment")


def test_reply_is_numbered_under_its_parent(client, post):
    make_comment(post)
    second = make_comment(post)
    client.post(_comment_url(post), comment_form(parent=second.pk))
    assert Comment.objects.latest("pk").number == "2.1"


def test_each_field_error_is_shown_beside_it_and_the_text_is_kept(client, post):
    response = client.post(
        _comment_url(post),
        comment_form(author_name="", author_email="not-an-email", body="Keep this text, please."),
    )
    assert response.status_code == 400
    assertContains(response, "Please enter your name.", status_code=400)
    assertContains(response, "Please enter a valid email address", status_code=400)
    assertContains(response, "Keep this text, please.</textarea>", status_code=400)
    assertContains(response, 'aria-describedby="id_author_email_error"', status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_empty_or_blank_comment_is_refused(client, post, body):
    response = client.post(_comment_url(post), comment_form(body=body))
    assertContains(response, "Please write a comment.", status_code=400)
    assert not Comment.objects.exists()


def test_name_over_the_limit_is_refused(client, post):
    response = client.post(_comment_url(post), comment_form(author_name="N" * 101))
    assertContains(response, "Please keep your name under 100 characters", status_code=400)
    assert not Comment.objects.exists()


def test_comment_over_the_limit_is_refused_and_kept_in_thecomment_form(client, post):
    body = "word " * 4001  # 20,005 characters
    response = client.post(_comment_url(post), comment_form(body=body))
    assertContains(response, "Please keep your comment under 20,000 characters", status_code=400)
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_post_is_refused(client, post, author):
    foreign = make_comment(make_post(author=author))
    response = client.post(_comment_url(post), comment_form(parent=foreign.pk))
    assertContains(response, "The comment you are replying to is not available.", status_code=400)
    assert Comment.objects.filter(post=post).count() == 0


@pytest.mark.parametrize("state", ["missing", "removed", "pending"])
def test_reply_to_a_missing_or_hidden_comment_is_refused(client, post, state):
    parent = make_comment(post)
    if state == "missing":
        parent_id = parent.pk + 1000
    else:
        Comment.objects.filter(pk=parent.pk).update(status=state)
        parent_id = parent.pk
    response = client.post(_comment_url(post), comment_form(parent=parent_id))
    assertContains(response, "The comment you are replying to is not available.", status_code=400)
    assert Comment.objects.count() == 1


def test_missing_csrf_token_gets_a_readable_page(post):
    # Only a reader with a session is checked by token (anonymous forms: by Origin, core/csrf.py).
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "a-reader-with-a-held-comment"
    response = client.post(_comment_url(post), comment_form())
    assertContains(response, "Your form could not be sent", status_code=403)
    assert not Comment.objects.exists()


def test_double_submit_stores_one_comment(client, post):
    client.post(_comment_url(post), comment_form())
    client.post(_comment_url(post), comment_form())
    assert Comment.objects.count() == 1


def test_emoji_and_any_unicode_survive_unchanged(client, post):
    text = "Ça va? 👍🏽 — 日本語, עברית, e\u0301, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
    name = "Zoë 🦉 Ørsted"
    client.post(_comment_url(post), comment_form(body=text, author_name=name))
    comment = Comment.objects.get()
    assert (comment.body, comment.author_name) == (text, name)
    page = client.get(post.get_absolute_url())
    assertContains(page, text)
    assertContains(page, name)


def test_hostile_comment_text_is_inert(client, post):
    body = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
        '[data](data:text/html;base64,PHNjcmlwdD4=) <a href="#" style="color:red">x</a>'
    )
    client.post(_comment_url(post), comment_form(body=body))
    comment = Comment.objects.get()
    html = client.get(post.get_absolute_url()).content.decode()
    start = html.index(f'id="comment-{comment.pk}"')
    elements = _elements(html[start : html.index("</li>", start)])
    tags = {tag for tag, _ in elements}
    attributes = {name for _, attrs in elements for name, _ in attrs}
    hrefs = [value for _, attrs in elements for name, value in attrs if name == "href"]
    assert not tags & {"script", "img", "style"}
    assert not {name for name in attributes if name.startswith("on")} and "style" not in attributes
    assert not [href for href in hrefs if href.strip().lower().startswith(("javascript:", "data:"))]


def test_hostile_name_and_website_are_inert(client, post):
    client.post(
        _comment_url(post),
        comment_form(author_name='<b onmouseover="x()">Mallory</b>', author_url="javascript:alert(1)"),
    )
    assert not Comment.objects.exists()  # the website is refused
    client.post(_comment_url(post), comment_form(author_name='<b onmouseover="x()">Mallory</b>'))
    page = client.get(post.get_absolute_url())
    assertContains(page, "&lt;b onmouseover=&quot;x()&quot;&gt;Mallory&lt;/b&gt;")


def test_author_name_links_to_their_website_as_user_content(client, post):
    make_comment(post, name="Web Person", url="https://example.net/me")
    page = client.get(post.get_absolute_url())
    assertContains(
        page, '<a href="https://example.net/me" rel="nofollow ugc noopener"><bdi>Web Person</bdi></a>'
    )


def test_commenter_email_appears_nowhere_in_the_page(client, post):
    make_comment(post, email="secret.reader@example.org", body="Hello")
    page = client.get(post.get_absolute_url())
    assertContains(page, "Hello")
    assertNotContains(page, "secret.reader@example.org")
    assertNotContains(page, "secret.reader")


def test_closed_post_says_so_and_refuses_comments(client, author):
    closed = make_post(author=author, comments_open=False)
    page = client.get(closed.get_absolute_url())
    assertContains(page, "Comments are closed.")
    assertNotContains(page, 'class="comment-form"')
    response = client.post(_comment_url(closed), comment_form())
    assertContains(response, "Comments are closed.", status_code=403)
    assert not Comment.objects.exists()


def test_held_comment_shows_to_its_author_alone(client, post):
    with mock.patch("commentariat.discussion.services.submission.screen_comment", return_value=HELD):
        response = client.post(_comment_url(post), comment_form(body="Held for review."))
    comment = Comment.objects.get()
    assert response.url.endswith(f"#comment-{comment.pk}")
    mine = client.get(post.get_absolute_url())
    assertContains(mine, "Held for review.")
    assertContains(mine, "Your comment is awaiting moderation.")
    assertContains(mine, "0 comments")
    assertNotContains(Client().get(post.get_absolute_url()), "Held for review.")


def test_removed_comment_with_replies_shows_a_numbered_placeholder(client, post):
    parent = make_comment(post, body="Regrettable words.")
    make_comment(post, parent=parent, body="A reply that stays.")
    remove_comment(comment=parent)
    page = client.get(post.get_absolute_url())
    assertContains(page, "Comment removed.")
    assertContains(page, "A reply that stays.")
    assertNotContains(page, "Regrettable words.")


def test_long_threads_are_paged_and_numbers_continue(client, post, comments_per_page):
    comments_per_page(2)
    comments = [make_comment(post, body=f"Top level {i}") for i in range(1, 6)]
    second_page = client.get(post.get_absolute_url() + "?cpage=2")
    assertContains(second_page, "Top level 3")
    assertContains(second_page, ">3</a>")
    assertNotContains(second_page, "Top level 1<")
    assertContains(second_page, "Comments page 2 of 3")
    assert client.get(post.get_absolute_url() + "?cpage=9").status_code == 404
    assert client.get(post.get_absolute_url() + "?cpage=x").status_code == 404
    permalink = client.get(comments[4].get_permalink())
    assertRedirects(
        permalink,
        f"{post.get_absolute_url()}?cpage=3#comment-{comments[4].pk}",
        fetch_redirect_response=False,
    )


def test_reply_on_a_later_page_lands_on_that_page(client, post, comments_per_page):
    comments_per_page(1)
    make_comment(post)
    second = make_comment(post)
    response = client.post(_comment_url(post), comment_form(parent=second.pk))
    reply = Comment.objects.latest("pk")
    assert response.url == f"{post.get_absolute_url()}?cpage=2#comment-{reply.pk}"


def test_reply_link_without_javascript_opens_the_form_under_the_comment(client, post):
    target = make_comment(post, name="Target Person")
    page = client.get(post.get_absolute_url() + f"?replytocom={target.pk}")
    html = page.content.decode()
    assert "Replying to <bdi>Target Person</bdi>" in html
    assert 'id="cancel-reply"' in html and 'class="cancel-reply" href="' in html
    assert html.index('id="respond"') > html.index(f'id="comment-{target.pk}"')
    assert f'name="parent" value="{target.pk}"' in html


def test_remember_me_fills_the_form_next_time(client, post):
    client.post(_comment_url(post), comment_form(remember="on", author_url="https://ada.example.org/"))
    page = client.get(post.get_absolute_url())
    assertContains(page, 'value="Ada Reader"')
    assertContains(page, 'value="https://ada.example.org/"')
    client.post(_comment_url(post), comment_form(body="Forget me now."))
    assertNotContains(client.get(post.get_absolute_url()), 'value="Ada Reader"')


def test_json_ld_describes_the_post_and_nested_comments_without_emails(client, post):
    first = make_comment(post, name="Ada", email="ada.private@example.org", body="Top <b>level</b>")
    make_comment(post, parent=first, name="Bob", email="bob.private@example.org", body="Nested")
    data = _json_ld(client.get(post.get_absolute_url()))
    assert data["@type"] == "BlogPosting"
    assert data["commentCount"] == 2
    assert data["comment"][0]["author"]["name"] == "Ada"
    assert data["comment"][0]["comment"][0]["text"] == "Nested"
    assert "private@example.org" not in json.dumps(data)


def test_json_ld_cannot_break_out_of_its_script_element(client, post):
    make_comment(post, name="</script><script>alert(1)</script>", body="x")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html


def test_permalink_of_a_held_comment_is_not_found(client, post):
    with mock.patch("commentariat.discussion.services.submission.screen_comment", return_value=HELD):
        held = make_comment(post)
    assert client.get(held.get_permalink()).status_code == 404


def test_a_stored_website_that_is_not_http_is_never_a_link(client, post):
    comment = make_comment(post, name="Imported Person")
    Comment.objects.filter(pk=comment.pk).update(author_url="javascript:alert(1)")
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html and "<bdi>Imported Person</bdi>" in html


def test_json_ld_carries_the_count_and_only_the_first_few_comments(client, post):
    for n in range(12):
        make_comment(post, name=f"Reader {n}", body=f"Comment number {n}")
    data = _json_ld(client.get(post.get_absolute_url()))
    assert data["commentCount"] == 12
    assert [c["text"] for c in data["comment"]] == [f"Comment number {n}" for n in range(5)]
