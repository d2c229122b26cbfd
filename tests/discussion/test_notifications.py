"""Reply notifications end to end, through a real SMTP server on loopback (aiosmtpd)."""

import re

import pytest

from commentariat.discussion.models import Comment, Subscription
from commentariat.discussion.services import approve_comment, hold_comment
from tests.discussion.conftest import link
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db


def test_double_opt_in_then_a_reply_notification_then_one_click_unsubscribe(
    client, post, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{post.get_absolute_url()}comments/", comment_form(author_email="ada@example.org", notify="on")
        )
    ada_comment = Comment.objects.get(author_email="ada@example.org")
    (confirmation,) = smtp.to("ada@example.org")
    assert "Please confirm" in confirmation["Subject"]

    # Before confirming, a reply sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, parent=ada_comment, name="Ben", email="ben@example.org", body="An early reply.")
    assert len(smtp.to("ada@example.org")) == 1

    confirm_path = link(confirmation, "notifications/confirm")
    assert "Yes, confirm" in client.get(confirm_path).content.decode()
    client.post(confirm_path)
    assert Subscription.objects.get(email="ada@example.org").confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        make_comment(
            post, parent=ada_comment, name="Cy", email="cy@example.org", body="A reply Ada should see."
        )
    notification = smtp.to("ada@example.org")[-1]
    assert notification["Subject"].strip() == f"Cy replied to your comment on “{post.title}”"
    assert "A reply Ada should see." in notification.get_body(preferencelist=("plain",)).get_content()
    assert "cy@example.org" not in notification.as_string()
    unsubscribe_url = notification["List-Unsubscribe"].strip().strip("<>")
    assert notification["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"

    # A mail program's one-click POST: no page, no CSRF token.
    strict = client.__class__(enforce_csrf_checks=True)
    assert (
        strict.post(
            unsubscribe_url.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
        ).status_code
        == 200
    )
    assert not Subscription.objects.exists()
    # The same link again: nothing to do, and no error.
    again = strict.post(unsubscribe_url.removeprefix("http://testserver"))
    assert again.status_code == 200 and "not subscribed" in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, parent=ada_comment, name="Di", email="di@example.org", body="Too late.")
    assert "Too late." not in str([m.as_string() for m in smtp.to("ada@example.org")])


def test_followers_of_a_discussion_hear_of_comments_once_they_are_approved(
    client, post, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{post.get_absolute_url()}follow/", {"email": "follower@example.org"})
    client.post(link(smtp.to("follower@example.org")[0], "notifications/confirm"))
    smtp.messages.clear()
    held = hold_comment(
        comment=make_comment(post, name="Eve", email="eve@example.org", body="Held at first.")
    )
    Comment.objects.filter(pk=held.pk).update(number="", sequence=None, sort_key="", root_sequence=None)
    held.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=held)
    (message,) = smtp.to("follower@example.org")
    assert message["Subject"].strip() == f"New comment on “{post.title}” by Eve"
    with django_capture_on_commit_callbacks(execute=True):
        hold_comment(comment=held)
        approve_comment(comment=held)  # approved again: not news, no second email
    assert len(smtp.to("follower@example.org")) == 1


def test_forged_expired_and_bad_links_and_addresses_are_refused(client, post, smtp, settings):
    assert client.get("/notifications/confirm/forged-token/").status_code == 400
    assert client.post("/notifications/confirm/forged-token/").status_code == 400
    assert "not subscribed" in client.post("/notifications/unsubscribe/forged/").content.decode()
    response = client.post(
        f"{post.get_absolute_url()}follow/", {"email": "not an address\nBcc: x@example.org"}
    )
    assert response.status_code == 400 and "valid email address" in response.content.decode()
    assert not Subscription.objects.exists()
    subscription = Subscription.objects.create(email="z@example.org", kind="discussion", post=post)
    from commentariat.discussion import notifications

    token = notifications.confirmation_token(subscription)
    assert (
        client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    )  # wrong purpose: nothing done
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    monkey_age = notifications.CONFIRM_MAX_AGE
    notifications.CONFIRM_MAX_AGE = -1
    try:
        assert client.post(f"/notifications/confirm/{token}/").status_code == 400  # expired
    finally:
        notifications.CONFIRM_MAX_AGE = monkey_age
    assert Subscription.objects.get(pk=subscription.pk).confirmed_at is None


def test_the_forms_cannot_flood_an_inbox_with_confirmations(
    client, post, author, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            client.post(f"{post.get_absolute_url()}comments/",
                        comment_form(author_email="victim@example.org", notify="on", body=f"Comment {n}"))  # fmt: skip
        for _ in range(3):
            _follow(client, make_post(author=author), "victim@example.org")
    assert len(smtp.to("victim@example.org")) == 3


def _follow(client, post, email):
    return client.post(f"{post.get_absolute_url()}follow/", {"email": email})


def _page_text(response) -> str:
    """The page as a reader reads it (its CSRF token differs from one answer to the next)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_follow_form_answers_every_address_alike(
    client, post, author, smtp, django_capture_on_commit_callbacks
):
    other_post = make_post(author=author)
    Subscription.objects.create(email="elsewhere@example.org", kind="discussion", post=other_post,
                                confirmed_at="2026-01-01T00:00:00Z")  # fmt: skip
    Subscription.objects.create(email="following@example.org", kind="discussion", post=post,
                                confirmed_at="2026-01-01T00:00:00Z")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answers = {
            email: _follow(client, post, email)
            for email in ("new@example.org", "elsewhere@example.org", "following@example.org")
        }
    assert {response.status_code for response in answers.values()} == {200}
    assert len({_page_text(response) for response in answers.values()}) == 1
    assert "Check your inbox" in _page_text(answers["new@example.org"])
    # The address that already follows is not mailed again; the two others must confirm this post.
    assert [len(smtp.to(email)) for email in answers] == [1, 1, 0]


def test_a_confirmed_address_cannot_be_made_to_follow_another_post_by_someone_else(
    client, post, author, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _follow(client, post, "ada@example.org")
    client.post(link(smtp.to("ada@example.org")[0], "notifications/confirm"))
    other_post = make_post(author=author)
    stranger = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        _follow(stranger, other_post, "Ada@Example.org")
        make_comment(other_post, name="Ben", body="Ada never asked for this.")
    mails = smtp.to("ada@example.org")
    assert len(mails) == 2 and "Please confirm" in mails[1]["Subject"]
    assert not Subscription.objects.get(post=other_post).confirmed_at
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link(mails[1], "notifications/confirm"))  # now Ada says yes, for this post
        make_comment(other_post, name="Cy", body="Now Ada hears of it.")
    assert "Now Ada hears of it." in smtp.to("ada@example.org")[-1].get_body(("plain",)).get_content()


def test_the_browser_that_confirmed_an_address_follows_more_posts_without_another_mail(
    client, post, author, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _follow(client, post, "ada@example.org")
    client.post(link(smtp.to("ada@example.org")[0], "notifications/confirm"))
    second, third = make_post(author=author), make_post(author=author)
    with django_capture_on_commit_callbacks(execute=True):
        followed = _follow(client, second, "ADA@example.org")
        # The comment form with "notify" counts too, from the same browser.
        client.post(f"{third.get_absolute_url()}comments/",
                    comment_form(author_email="ada@example.org", notify="on"))  # fmt: skip
    assert "Done" in followed.content.decode()
    assert Subscription.objects.filter(email="ada@example.org", confirmed_at__isnull=False).count() == 3
    assert len(smtp.to("ada@example.org")) == 1  # the first confirmation only


def test_remembered_comment_details_do_not_prove_an_address(
    client, post, author, smtp, django_capture_on_commit_callbacks
):
    """Anyone may type an address into the comment form and have this browser remember it."""
    client.post(f"{post.get_absolute_url()}comments/",
                comment_form(author_email="victim@example.org", remember="on"))  # fmt: skip
    assert client.cookies["commentariat_commenter"].value
    with django_capture_on_commit_callbacks(execute=True):
        answer = _follow(client, post, "victim@example.org")
    assert "Check your inbox" in answer.content.decode()
    assert Subscription.objects.get(email="victim@example.org").confirmed_at is None
    assert "Please confirm" in smtp.to("victim@example.org")[0]["Subject"]
