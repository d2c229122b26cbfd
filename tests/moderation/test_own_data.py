"""A commenter asks, by address, for a mailed link; with it they download or erase their comments."""

import csv
import io
import json
import re

import pytest
from django.core import mail
from django.test import Client

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from commentariat.moderation.models import ModerationAction
from commentariat.moderation.own_data import link_token
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

ADDRESS = "Writer@Example.org"


@pytest.fixture
def thread(post, policy):
    first = make_comment(post, name="Wanda Writer", email=ADDRESS, body="=HYPERLINK(\"x\") my first thought")
    reply = make_comment(post, parent=first, name="Other Reader", body="I answer Wanda.")
    held = hold_comment(comment=make_comment(post, name="Wanda Writer", email="writer@example.org", body="Held one."))
    return first, reply, held


def _link_from_mail(client, email, capture):
    with capture(execute=True):
        answer = client.post("/comments/my-data/", {"email": email})
    assert answer.status_code == 200
    assert "a link is on its way" in answer.content.decode()
    return answer


def test_the_link_goes_only_to_an_address_that_wrote_here(thread, django_capture_on_commit_callbacks):
    reader = Client()
    _link_from_mail(reader, "nobody@example.net", django_capture_on_commit_callbacks)
    assert mail.outbox == []  # the same answer, and nothing sent: the page tells nobody who comments here
    _link_from_mail(reader, "writer@example.org", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["writer@example.org"]]
    url = re.search(r"http\S+/comments/my-data/\S+/", mail.outbox[0].body).group(0)
    page = reader.get(url[url.index("/comments/"):])
    assert page.status_code == 200
    assert "2 comments written with" in page.content.decode()


def test_download_as_json_and_csv(thread):
    reader = Client()
    url = f"/comments/my-data/{link_token(ADDRESS)}/"
    data = json.loads(reader.post(url, {"action": "json"}).content)
    assert sorted(c["body"] for c in data["comments"]) == ["=HYPERLINK(\"x\") my first thought", "Held one."]
    assert {c["status"] for c in data["comments"]} == {"approved", "pending"}
    assert "I answer Wanda." not in json.dumps(data)
    response = reader.post(url, {"action": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="my-comments.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert all(not row["body"].startswith("=") for row in rows)  # no formula for a spreadsheet to run
    assert ModerationAction.objects.filter(kind="data_export").count() == 2


def test_erasure_keeps_numbers_and_replies_and_removes_the_rest(post, thread, moderator_client):
    first, reply, held = thread
    reader = Client()
    url = f"/comments/my-data/{link_token(ADDRESS)}/"
    unconfirmed = reader.post(url, {"action": "erase"})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert Comment.objects.get(pk=first.pk).erased_at is None

    done = reader.post(url, {"action": "erase", "confirm": "yes"})
    assert "2 comments erased" in done.content.decode()
    stored = Comment.objects.get(pk=first.pk)
    assert (stored.body, stored.author_name, stored.author_email, stored.ip_address) == ("", "", "", None)
    assert stored.number == first.number and stored.status == "withdrawn"
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Removed at its author&#x27;s request." in page or "Removed at its author's request." in page
    assert "I answer Wanda." in page
    assert "my first thought" not in page and "Wanda Writer" not in page
    assert ModerationAction.objects.filter(kind="data_erasure", after__comments=2).exists()
    # Nobody brings it back: a moderator's decision is refused.
    answer = moderator_client.post(
        f"/moderation/comments/{first.pk}/decide/", {"decision": "approve"}, HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 409
    assert Comment.objects.get(pk=first.pk).status == "withdrawn"
    # The link now finds nothing more to erase.
    assert "0 comments written with" in reader.get(url).content.decode()


def test_a_forged_or_broken_link_does_nothing(thread):
    reader = Client()
    token = link_token(ADDRESS)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "not-a-token"):
        answer = reader.post(f"/comments/my-data/{bad}/", {"action": "erase", "confirm": "yes"})
        assert answer.status_code == 400
        assert "not valid, or has expired" in answer.content.decode()
    assert not Comment.objects.filter(erased_at__isnull=False).exists()


def test_asking_again_mails_once_an_hour_and_never_locks_the_owner_out(thread, django_capture_on_commit_callbacks):
    stranger = Client()
    for _ in range(3):
        _link_from_mail(stranger, "writer@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # a stranger cannot flood the address
    owner = Client(REMOTE_ADDR="192.0.2.44")
    _link_from_mail(owner, "writer@example.org", django_capture_on_commit_callbacks)  # still answered, not 429


def test_asking_is_limited_per_ip(thread, django_capture_on_commit_callbacks):
    reader = Client()
    for n in range(10):
        _link_from_mail(reader, f"someone{n}@example.net", django_capture_on_commit_callbacks)
    assert reader.post("/comments/my-data/", {"email": "writer@example.org"}).status_code == 429
