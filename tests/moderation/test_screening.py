"""Every rule of the decision, with its reason, through the comment form and the service."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from commentariat.discussion.forms import form_started_token
from commentariat.discussion.models import Comment
from commentariat.moderation.exceptions import CommenterBanned
from commentariat.moderation.models import Sanction
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db


def _post_form(client, post, **overrides):
    data = comment_form(author_name="Ada", body="A fair point.")
    data.update(overrides)
    return client.post(post.get_absolute_url() + "comments/", data, REMOTE_ADDR="203.0.113.5")


def test_plain_comment_is_approved_with_a_reason(client, post, policy):
    _post_form(client, post)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.status_reason


def test_banned_email_is_refused_with_a_clear_message(client, post, policy):
    Sanction.objects.create(kind="ban", email="ADA@example.org", reason="Abuse")
    response = _post_form(client, post)
    assertContains(response, "You can no longer comment on this site.", status_code=403)
    assert not Comment.objects.exists()


def test_ban_applies_under_another_name_with_the_same_email(client, post, policy):
    Sanction.objects.create(kind="ban", email="ada@example.org", reason="Abuse")
    assert _post_form(client, post, author_name="Totally Someone Else").status_code == 403


def test_banned_network_is_refused(client, post, policy):
    Sanction.objects.create(kind="ban", ip_network="203.0.113.0/24", reason="Spam farm")
    assert _post_form(client, post, author_email="new@example.org").status_code == 403


def test_banned_name_is_refused(client, post, policy):
    Sanction.objects.create(kind="ban", name="ada", reason="Impersonation")
    assert _post_form(client, post, author_email="other@example.org").status_code == 403


def test_suspension_says_until_when_and_ends(client, post, policy):
    sanction = Sanction.objects.create(
        kind="suspend",
        email="ada@example.org",
        reason="Cool off",
        expires_at=timezone.now() + timedelta(days=2),
    )
    response = _post_form(client, post)
    assertContains(response, "until", status_code=403)
    sanction.expires_at = timezone.now() - timedelta(minutes=1)
    sanction.save()
    assert _post_form(client, post, body="Back again.").status_code == 302


def test_always_hold_commenter_is_held_silently(client, post, policy):
    Sanction.objects.create(kind="hold", email="ada@example.org", reason="Watch")
    response = _post_form(client, post)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and "always-hold" in comment.status_reason


def test_flood_is_refused_with_429_and_when_to_retry(client, post, policy):
    from tests.factories import clear_of_minute_boundary

    clear_of_minute_boundary(margin=10)  # the flood count is per clock minute
    policy.flood_limit_per_minute = 2
    policy.save()
    for i in range(2):
        assert _post_form(client, post, body=f"Comment {i}").status_code == 302
    response = _post_form(client, post, body="One too many")
    assertContains(response, "Please wait", status_code=429)
    assert int(response["Retry-After"]) > 0
    assertContains(response, "One too many", status_code=429)
    assert Comment.objects.count() == 2


def test_disallowed_phrase_or_domain_is_spam(client, post, policy):
    policy.disallowed_terms = "cheap pills\nbad-domain.example"
    policy.save()
    _post_form(client, post, body="Buy CHEAP PILLS now")
    _post_form(client, post, body="see http://www.bad-domain.example/x", author_email="b@example.org")
    reasons = list(Comment.objects.values_list("status", "status_reason"))
    assert [status for status, _ in reasons] == ["spam", "spam"]
    assert "cheap pills" in reasons[0][1]


def test_disallowed_word_matches_whole_words_only(client, post, policy):
    policy.disallowed_terms = "ass"
    policy.save()
    _post_form(client, post, body="A classic case.")
    assert Comment.objects.get().status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    "setting, value, body, reason",
    [
        ("link_limit", 2, "see https://a.example and https://b.example", "2 links"),
        ("moderation_terms", "lawsuit", "This smells like a lawsuit.", "lawsuit"),
        ("watched_domains", "watched.example", "read https://news.watched.example/story", "watched.example"),
    ],
)
def test_hold_rules_hold_with_their_reason(client, post, policy, setting, value, body, reason):
    setattr(policy, setting, value)
    policy.save()
    _post_form(client, post, body=body)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert reason in comment.status_reason


def test_held_comment_shows_to_its_author_only(client, post, policy):
    policy.mode = "hold_all"
    policy.save()
    _post_form(client, post, body="Waiting for a moderator.")
    assertContains(client.get(post.get_absolute_url()), "Your comment is awaiting moderation.")
    from django.test import Client

    assert "Waiting for a moderator." not in Client().get(post.get_absolute_url()).content.decode()


def test_first_time_commenters_are_held_until_one_comment_is_approved(client, post, policy):
    policy.mode = "hold_first_time"
    policy.save()
    _post_form(client, post, body="My first words.")
    first = Comment.objects.get()
    assert first.status == Comment.Status.PENDING and "First comment" in first.status_reason
    from commentariat.discussion.services import approve_comment

    approve_comment(comment=first)
    _post_form(client, post, body="And my second.")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_post_in_hold_all_mode_holds_even_when_the_site_holds_nobody(client, post, policy):
    post.comment_mode = "hold_all"
    post.save()
    _post_form(client, post)
    assert Comment.objects.get().status == Comment.Status.PENDING
    assertContains(client.get(post.get_absolute_url()), "reviewed before they appear")


def test_site_wide_switch_closes_every_post_with_its_message(client, post, policy):
    policy.comments_enabled = False
    policy.comments_disabled_message = "Comments are resting over the holidays."
    policy.save()
    assertContains(client.get(post.get_absolute_url()), "Comments are resting over the holidays.")
    response = _post_form(client, post)
    assertContains(response, "Comments are resting over the holidays.", status_code=403)
    assert not Comment.objects.exists()


def test_old_posts_close_automatically_when_configured(client, author, policy):
    from tests.factories import make_post

    old = make_post(author=author, published_at=timezone.now() - timedelta(days=40))
    policy.auto_close_days = 30
    policy.save()
    assertContains(client.get(old.get_absolute_url()), "Comments are closed.")
    assert _post_form(client, old).status_code == 403


def test_staff_reply_is_approved_and_skips_the_rules(post, policy, moderator):
    from commentariat.moderation.services import reply_as_moderator

    policy.mode = "hold_all"
    policy.save()
    parent = make_comment(post)  # held
    Comment.objects.filter(pk=parent.pk).update(status="approved")
    parent.refresh_from_db()
    reply = reply_as_moderator(comment=parent, body="Thanks, noted.", by=moderator)
    assert reply.status == Comment.Status.APPROVED


def test_banned_commenter_cannot_reply_either(post, policy):
    from commentariat.discussion.services import submit_comment

    parent = make_comment(post)
    Sanction.objects.create(kind="ban", email="x@example.org", reason="Abuse")
    with pytest.raises(CommenterBanned):
        submit_comment(post=post, parent=parent, author_name="X", author_email="x@example.org", body="Hi")


def test_honeypot_filled_by_a_bot_is_refused_and_nothing_stored(client, post, policy):
    response = _post_form(client, post, homepage="http://bot.example")
    assertContains(response, "could not be accepted", status_code=400)
    assert not Comment.objects.exists()


def test_form_without_its_signed_start_time_is_refused(client, post, policy):
    response = _post_form(client, post, started="")
    assertContains(response, "could not be accepted", status_code=400)
    response = _post_form(client, post, started="12345:forged")
    assertContains(response, "could not be accepted", status_code=400)
    assert not Comment.objects.exists()


def test_form_sent_too_fast_is_refused_with_the_text_kept(client, post, policy, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "COMMENT_FORM_MIN_SECONDS": 3}
    response = _post_form(client, post, body="Typed at the speed of a script.")
    assertContains(response, "That was quick!", status_code=400)
    assertContains(response, "Typed at the speed of a script.", status_code=400)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 10):
        started = form_started_token()
    assert _post_form(client, post, started=started).status_code == 302


def test_form_left_open_for_days_has_expired_but_keeps_the_text(client, post, policy):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3 * 86400):
        started = form_started_token()
    response = _post_form(client, post, started=started, body="Written long ago.")
    assertContains(response, "has expired", status_code=400)
    assertContains(response, "Written long ago.", status_code=400)


def test_spam_shows_to_its_author_as_awaiting_moderation_and_to_nobody_else(client, post, policy):
    policy.disallowed_terms = "casino"
    policy.save()
    _post_form(client, post, body="Best casino bonus here")
    assert Comment.objects.get().status == Comment.Status.SPAM
    own = client.get(post.get_absolute_url())
    assertContains(own, "Best casino bonus here")
    assertContains(own, "Your comment is awaiting moderation.")
    from django.test import Client

    assert "Best casino bonus here" not in Client().get(post.get_absolute_url()).content.decode()
