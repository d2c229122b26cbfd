import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from commentariat.moderation.models import ModerationAction, ModerationPolicy, Sanction
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db
QUEUE = "/moderation/"


@pytest.fixture
def held(post, policy):
    return hold_comment(
        comment=make_comment(post, name="Held Reader", email="held@example.org", body="Held text.")
    )


def _decide(client, comment, decision, **extra):
    return client.post(
        reverse("moderation:comment-decide", args=[comment.pk]), {"decision": decision}, **extra
    )


def test_queue_needs_a_login_and_the_moderator_role(client, django_user_model, held):
    assertRedirects(client.get(QUEUE), f"/admin/login/?next={QUEUE}", fetch_redirect_response=False)
    reader = django_user_model.objects.create_user(username="reader", password="pw")
    client.force_login(reader)
    assertContains(client.get(QUEUE), "not allowed", status_code=403)
    assert _decide(client, held, "approve").status_code == 403
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING


def test_queue_shows_pending_first_with_everything_needed_to_decide(moderator_client, post, held):
    parent = make_comment(post, name="Parent Person", body="The parent's words.")
    reply = hold_comment(
        comment=make_comment(post, parent=parent, name="Replier", email="r@example.org", body="A held reply.")
    )
    Comment.objects.filter(pk=reply.pk).update(
        status_reason="2 links (limit 2).", spam_score=0.42, ip_address="198.51.100.7"
    )
    response = moderator_client.get(QUEUE)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')
    html = response.content.decode()
    assert html.index("Held text.") < html.index("A held reply.")  # oldest first
    for expected in (
        "The parent&#x27;s words.",
        "2 links (limit 2).",
        "0.42",
        "r@example.org",
        "198.51.100.7",
        post.title,
        "0 approved",
    ):
        assert expected in html
    assert "Parent Person" in html


def test_approving_from_the_queue_shows_the_comment_on_the_page_at_once(moderator_client, post, held):
    assertNotContains(Client().get(post.get_absolute_url()), "Held text.")
    response = _decide(moderator_client, held, "approve")
    assertRedirects(response, QUEUE, fetch_redirect_response=False)
    assertContains(Client().get(post.get_absolute_url()), "Held text.")
    action = ModerationAction.objects.get(kind="approve")
    assert (action.before["status"], action.after["status"], action.actor.username) == (
        "pending",
        "approved",
        "mod",
    )
    assert action.after["version"] > action.before["version"]


def test_keyboard_decisions_answer_json_and_can_be_undone(moderator_client, held):
    response = _decide(moderator_client, held, "spam", HTTP_ACCEPT="application/json")
    answer = response.json()
    assert answer["ok"] and answer["status_label"] == "Spam"
    undo = moderator_client.post(answer["undo_url"], HTTP_ACCEPT="application/json").json()
    assert undo["ok"] and undo["status_label"] == "Awaiting review"
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING
    assert moderator_client.post(answer["undo_url"], HTTP_ACCEPT="application/json").status_code == 409


def test_a_claimed_comment_is_refused_to_the_second_moderator(moderator_client, second_moderator, held):
    moderator_client.get(reverse("moderation:comment-detail", args=[held.pk]))  # opening claims it
    other = Client()
    other.force_login(second_moderator)
    queue = other.get(QUEUE)
    assertContains(queue, "Mona Moderator is working on this")
    response = _decide(other, held, "approve", HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and "Mona Moderator" in response.json()["message"]
    claims = other.get(reverse("moderation:claims") + f"?ids={held.pk}").json()
    assert claims["claims"] == {str(held.pk): "Mona Moderator"}
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING


def test_actions_need_csrf(moderator, held):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert _decide(client, held, "approve").status_code == 403
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING


def test_bulk_actions_decide_every_selected_comment(moderator_client, post, policy):
    comments = [hold_comment(comment=make_comment(post)) for _ in range(3)]
    moderator_client.post(
        reverse("moderation:bulk-decide"), {"decision": "remove", "ids": [c.pk for c in comments[:2]]}
    )
    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert statuses == ["removed", "removed", "pending"]


def test_edit_keeps_the_old_text_in_the_log(moderator_client, held):
    url = reverse("moderation:comment-edit", args=[held.pk])
    moderator_client.post(url, {"body": "Edited text.", "reason": "Removed a phone number"})
    held.refresh_from_db()
    assert held.body == "Edited text."
    action = ModerationAction.objects.get(kind="edit")
    assert action.before == {"body": "Held text."} and action.reason == "Removed a phone number"


def test_moderator_reply_is_published_under_their_name(moderator_client, post, policy):
    parent = make_comment(post)
    response = moderator_client.post(
        reverse("moderation:comment-reply", args=[parent.pk]), {"body": "Noted."}
    )
    reply = Comment.objects.get(body="Noted.")
    assert reply.status == "approved" and reply.author_name == "Mona Moderator" and reply.number == "1.1"
    assert response.url == reply.get_absolute_url()


def test_ban_from_the_commenter_page_refuses_their_next_comment(moderator_client, client, post, held):
    url = reverse("moderation:commenter") + "?email=held@example.org"
    page = moderator_client.get(url)
    assertContains(page, "Held text.")
    moderator_client.post(
        reverse("moderation:commenter-sanction"),
        {
            "email": "held@example.org",
            "kind": "ban",
            "match_email": "on",
            "reason": "Harassment",
            "remove_everything": "on",
        },
    )
    assert Sanction.objects.get().kind == "ban"
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.REMOVED
    response = Client().post(
        post.get_absolute_url() + "comments/",
        comment_form(author_name="New Name", author_email="held@example.org", body="I'm back"),
    )
    assert response.status_code == 403
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert {"sanction", "remove"} <= kinds


def test_suspension_without_an_end_is_refused_with_a_message(moderator_client, held):
    response = moderator_client.post(
        reverse("moderation:commenter-sanction"),
        {"email": "held@example.org", "kind": "suspend", "match_email": "on", "reason": "x"},
        follow=True,
    )
    assertContains(response, "A suspension needs an end")
    assert not Sanction.objects.exists()


def test_notes_show_in_the_queue(moderator_client, held):
    moderator_client.post(
        reverse("moderation:commenter-note"), {"email": "held@example.org", "body": "Often off topic."}
    )
    assertContains(moderator_client.get(QUEUE), "Often off topic.")


def test_audit_log_is_filterable(moderator_client, post, policy, held):
    _decide(moderator_client, held, "approve")
    other = hold_comment(comment=make_comment(post))
    _decide(moderator_client, other, "spam")
    log = moderator_client.get(reverse("moderation:log") + "?kind=spam")
    assertContains(log, "Marked spam")
    assertNotContains(log, "<td>Approved</td>")


def test_policy_is_for_admins_and_every_change_is_logged(moderator_client, moderator, policy):
    url = reverse("moderation:policy")
    assert moderator_client.get(url).status_code == 403
    moderator.groups.add(Group.objects.get(name="admin"))
    form = moderator_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(link_limit=4, reason="Fewer false holds", comments_enabled="on")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = moderator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert ModerationPolicy.current().link_limit == 4
    action = ModerationAction.objects.get(kind="policy")
    assert action.before == {"link_limit": 2} and action.after == {"link_limit": 4}


def test_everything_a_commenter_wrote_is_inert_in_the_queue(moderator_client, post, policy):
    comment = make_comment(
        post,
        name='<img src=x onerror="alert(1)">',
        body="<script>alert(2)</script>",
        url='https://example.org/"><script>alert(3)</script>',
    )
    Comment.objects.filter(pk=comment.pk).update(user_agent="<script>alert(4)</script>", status="pending")
    html = moderator_client.get(QUEUE).content.decode()
    for attack in ("<script>alert(2)", "<script>alert(3)", "<script>alert(4)", "<img src=x onerror"):
        assert attack not in html
    edit = moderator_client.get(reverse("moderation:comment-edit", args=[comment.pk])).content.decode()
    assert "<script>alert(2)" not in edit and "&lt;script&gt;alert(2)" in edit


def test_public_note_under_the_thread_counts_published_and_removed(client, post, policy):
    from commentariat.discussion.services import remove_comment

    make_comment(post)
    make_comment(post)
    remove_comment(comment=make_comment(post))
    assertContains(client.get(post.get_absolute_url()), "2 comments published · 1 removed by moderators")


def test_a_comment_its_author_erased_offers_no_decide_anyway(moderator_client, post):
    from commentariat.discussion.services.status import erase_at_authors_request

    erased = erase_at_authors_request(comment=make_comment(post, body="Take this back."))
    url = f"/moderation/comments/{erased.pk}/decide/"
    page = moderator_client.post(url, {"decision": "approve", "seen_version": erased.state_version})
    assert page.status_code == 409
    assert "erased" in page.content.decode() and "Decide anyway" not in page.content.decode()
    answer = moderator_client.post(
        url, {"decision": "approve", "seen_version": erased.state_version}, HTTP_ACCEPT="application/json"
    ).json()
    assert (answer["conflict"], answer["final"]) == (False, True)
    changed = make_comment(post, body="Edited since.")
    stale = moderator_client.post(f"/moderation/comments/{changed.pk}/decide/",
                                  {"decision": "remove", "seen_version": changed.state_version + 5})  # fmt: skip
    assert stale.status_code == 409 and "Decide anyway" in stale.content.decode()
