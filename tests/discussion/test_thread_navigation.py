"""Finding one's way around a long thread: order, 'go to comment', a way past the thread to the form."""

import re

import pytest
from django.test import Client

from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(post, comments_per_page):
    comments_per_page(3)
    tops = [make_comment(post, name=f"Top {n}", body=f"Top comment {n}.") for n in range(1, 8)]
    for n in range(4):  # comment 2 draws the most replies, then comment 5
        make_comment(post, parent=tops[1], name="Replier", body=f"Reply to two, {n}.")
    make_comment(post, parent=tops[4], name="Replier", body="Reply to five.")
    return post, tops


def _numbers(page: str) -> list[str]:
    return re.findall(r'class="comment-number" href="#comment-\d+" title="Link to comment ([\d.]+)"', page)


def test_newest_first_shows_the_last_numbers_first_and_keeps_each_number(thread):
    post, _ = thread
    page = Client().get(post.get_absolute_url(), {"order": "newest"}).content.decode()
    assert _numbers(page)[:3] == ["7", "6", "5"] and "5.1" in _numbers(page)
    second = Client().get(post.get_absolute_url(), {"order": "newest", "cpage": 2}).content.decode()
    assert _numbers(second)[0] == "4"
    assert 'href="?cpage=3&amp;order=newest#comments"' in second  # the pages keep the order
    assert "replytocom=" in second and "order=newest&amp;replytocom=" in second


def test_most_replies_first(thread):
    post, _ = thread
    page = Client().get(post.get_absolute_url(), {"order": "replies"}).content.decode()
    assert [n for n in _numbers(page) if "." not in n] == ["2", "5", "1"]


def test_an_unknown_order_is_not_found(thread):
    post, _ = thread
    assert Client().get(post.get_absolute_url(), {"order": "random"}).status_code == 404


def test_go_to_comment_finds_a_number_on_another_page(thread):
    post, tops = thread
    reply = tops[1].replies.order_by("pk")[2]
    answer = Client().get(f"/comments/goto/{post.pk}/", {"number": "2.3"}, follow=True)
    assert answer.redirect_chain[-1][0].endswith(f"#comment-{reply.pk}")
    assert f'id="comment-{reply.pk}"' in answer.content.decode()
    on_page_three = Client().get(f"/comments/goto/{post.pk}/", {"number": "7"}, follow=True)
    assert "cpage=3" in on_page_three.redirect_chain[-1][0]


def test_go_to_a_number_that_is_not_there_says_so(thread):
    post, _ = thread
    answer = Client().get(f"/comments/goto/{post.pk}/", {"number": "99.1"})
    assert (
        answer.status_code == 404
        and "There is no comment 99.1 in this discussion." in answer.content.decode()
    )


def test_the_thread_offers_a_way_straight_to_the_form(thread):
    post, _ = thread
    page = Client().get(post.get_absolute_url()).content.decode()
    assert page.index('href="#respond">Skip to the comment form') < page.index('class="comment-list"')
