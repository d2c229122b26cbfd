"""A writer lifts a reader's comment into a new post; the comment then links to it."""

import pytest
from django.contrib.auth.models import Group

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(client, django_user_model):
    user = django_user_model.objects.create_user(username="wren", first_name="Wren", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    client.force_login(user)
    return user


def test_quote_in_a_new_post_starts_an_attributed_draft_and_the_comment_links_back(client, writer, post):
    first = make_comment(post, name="Ada Reader")
    reply = make_comment(
        post, parent=first, name="Ben O'Brien", body="Rents fell *because* rates rose.\nSecond line."
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="/comments/{reply.pk}/quote/">Quote in a new post</a>' in page
    confirm = client.get(f"/comments/{reply.pk}/quote/")
    assert "Start the draft" in confirm.content.decode()

    response = client.post(f"/comments/{reply.pk}/quote/")
    draft = Post.objects.get(quoted_comments=reply)
    assert response["Location"] == f"/editor/{draft.pk}/"
    assert draft.status == Post.Status.DRAFT and draft.author == writer
    assert draft.body.startswith("> Rents fell *because* rates rose.\n> Second line.\n>\n")
    assert f"> — Ben O'Brien, [comment 1.1](/comments/{reply.pk}/)" in draft.body
    assert "<blockquote>" in draft.body_html and f'href="/comments/{reply.pk}/"' in draft.body_html

    client.logout()
    assert "Quoted in" not in client.get(post.get_absolute_url()).content.decode()  # a draft is not shown
    assert "Quote in a new post" not in client.get(post.get_absolute_url()).content.decode()
    draft.status = Post.Status.PUBLISHED
    draft.published_at = draft.created_at
    draft.save()
    page = client.get(post.get_absolute_url()).content.decode()  # the cached page was refreshed
    assert f'Quoted in <a href="{draft.get_absolute_url()}">On Ben O&#x27;Brien&#x27;s comment</a>' in page


def test_readers_and_held_comments_cannot_be_quoted(client, writer, post, django_user_model):
    held = make_comment(post, name="Held")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    assert client.post(f"/comments/{held.pk}/quote/").status_code == 404
    approved = make_comment(post, name="Open")
    client.force_login(django_user_model.objects.create_user(username="plain", is_staff=True))
    assert client.post(f"/comments/{approved.pk}/quote/").status_code == 403
    client.logout()
    assert client.post(f"/comments/{approved.pk}/quote/").status_code == 302  # to the login page
    assert not Post.objects.filter(quoted_comments__isnull=False).exists()
