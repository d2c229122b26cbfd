"""A writer who takes a post down, reschedules it or gives it a password, in the editor: the shared
caches in front drop its pages and the lists at once (no old public page survives the change), and
the next anonymous reader no longer gets it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

LATER = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def writer(django_user_model):
    user = django_user_model.objects.create_user(username="wren", is_staff=True, password="x")
    user.groups.add(Group.objects.get(name="editor"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "change",
    [
        {"status": "draft"},
        {"status": "published", "publish_at": LATER},
        {"status": "published", "password": "pw"},
    ],
    ids=["back-to-draft", "rescheduled", "password"],
)
def test_the_old_public_page_and_lists_are_purged_at_once(writer, author, change, monkeypatch):
    from commentariat.core import purgers

    post = make_post(author=author, title="Secret plans", body="Body seen by everyone, until now.")
    make_comment(post, body="A public remark.")
    live = f"/live/posts/{post.pk}/comments/?after=0"
    for address in ("/", post.get_absolute_url(), live):
        assert "public" in Client().get(address)["Cache-Control"]
    purged = []
    monkeypatch.setattr(purgers, "purge", lambda keys: purged.extend(keys))
    form = {"title": post.title, "slug": post.slug, "kind": "post", "excerpt": "", "body": post.body,
            "publish_at": "", "comments_open": "on", "tag_names": "", **change}  # fmt: skip
    assert writer.post(f"/editor/{post.pk}/", form).status_code == 302
    assert {f"post-{post.pk}", "lists"} <= set(purged)
    page, answer = Client().get(post.get_absolute_url()), Client().get(live)
    shown = page.content.decode()
    assert "Body seen by everyone" not in shown and "A public remark." not in shown
    assert answer.status_code == 404
    # A protected post stays listed by its title and excerpt; a draft or a future post is not listed.
    assert ("Secret plans" in Client().get("/").content.decode()) == ("password" in change)
