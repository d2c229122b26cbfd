from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commentariat.discussion.exceptions import CommentsClosed, DuplicateComment, InvalidParent
from commentariat.discussion.models import Comment
from commentariat.discussion.screening import Screening
from commentariat.discussion.services import approve_comment, remove_comment, submit_comment
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

HELD = Screening(Comment.Status.PENDING, "Held for the test.")


def test_comments_are_numbered_as_readers_cite_them(post):
    first = make_comment(post)
    reply = make_comment(post, parent=first)
    reply_to_reply = make_comment(post, parent=reply)
    second_reply = make_comment(post, parent=first)
    second = make_comment(post)
    numbers = [c.number for c in (first, reply, reply_to_reply, second_reply, second)]
    assert numbers == ["1", "1.1", "1.1.1", "1.2", "2"]


def test_post_counts_only_approved_comments(post):
    first = make_comment(post)
    make_comment(post, parent=first)
    post.refresh_from_db()
    assert post.comment_count == 2
    remove_comment(comment=first)
    post.refresh_from_db()
    assert post.comment_count == 1


def test_numbers_follow_the_order_comments_became_public(post):
    with mock.patch("commentariat.discussion.services.submission.screen_comment", return_value=HELD):
        held = make_comment(post)
    later = make_comment(post)
    assert held.number == "" and later.number == "1"
    approve_comment(comment=held)
    assert held.number == "2"


def test_a_removed_comment_keeps_its_number_and_it_is_never_reused(post):
    first = make_comment(post)
    remove_comment(comment=first)
    second = make_comment(post)
    approve_comment(comment=first)
    first.refresh_from_db()
    assert (first.number, second.number) == ("1", "2")


def test_reply_beyond_the_depth_cap_joins_the_deepest_level(post, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "MAX_COMMENT_DEPTH": 3}
    top = make_comment(post)
    level2 = make_comment(post, parent=top)
    level3 = make_comment(post, parent=level2)
    too_deep = make_comment(post, parent=level3)
    assert level3.number == "1.1.1"
    assert too_deep.number == "1.1.2"
    assert too_deep.parent == level2


def test_same_text_from_same_address_within_a_minute_is_stored_once(post):
    kwargs = dict(post=post, parent=None, author_name="Ada", author_email="ada@example.org", body="Twice?")
    first = submit_comment(**kwargs)
    with pytest.raises(DuplicateComment) as refused:
        submit_comment(**{**kwargs, "author_email": "ADA@example.org"})
    assert refused.value.earlier.pk == first.pk  # for the view to give back to its own browser only
    assert Comment.objects.count() == 1


def test_same_text_after_the_window_is_a_new_comment(post):
    kwargs = dict(post=post, parent=None, author_name="Ada", author_email="ada@example.org", body="Again.")
    first = submit_comment(**kwargs)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert submit_comment(**kwargs).pk != first.pk


def test_closed_post_refuses_comments(author):
    closed = make_post(author=author, comments_open=False)
    with pytest.raises(CommentsClosed):
        make_comment(closed)
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_post_is_refused(post, author):
    elsewhere = make_comment(make_post(author=author))
    with pytest.raises(InvalidParent):
        make_comment(post, parent=elsewhere)
    assert Comment.objects.filter(post=post).count() == 0


def test_reply_to_a_removed_comment_is_refused(post):
    parent = remove_comment(comment=make_comment(post))
    with pytest.raises(InvalidParent):
        make_comment(post, parent=parent)


def test_over_long_text_is_refused_not_truncated(post, settings):
    limit = settings.COMMENTARIAT["COMMENT_BODY_MAX_LENGTH"]
    with pytest.raises(ValidationError) as error:
        make_comment(post, body="x" * (limit + 1))
    assert "body" in error.value.message_dict
    assert not Comment.objects.exists()


def test_comment_text_is_rendered_and_sanitized_on_save(post):
    comment = make_comment(post, body="*Hi* <script>alert(1)</script> see https://example.org")
    assert "<em>Hi</em>" in comment.body_html
    assert "<script" not in comment.body_html
    assert 'href="https://example.org"' in comment.body_html
