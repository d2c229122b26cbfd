import pytest
from django.urls import reverse

from commentariat.discussion.models import Comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def test_staff_remove_and_approve_through_the_admin_keep_numbers_and_counts(admin_client, post):
    comment = make_comment(post)
    url = reverse("admin:discussion_comment_changelist")
    admin_client.post(url, {"action": "remove_selected", "_selected_action": [comment.pk]})
    post.refresh_from_db()
    assert Comment.objects.get().status == Comment.Status.REMOVED and post.comment_count == 0
    admin_client.post(url, {"action": "approve_selected", "_selected_action": [comment.pk]})
    post.refresh_from_db()
    comment.refresh_from_db()
    assert (comment.status, comment.number, post.comment_count) == (Comment.Status.APPROVED, "1", 1)


def test_commenter_email_is_visible_to_staff_in_the_admin(admin_client, post):
    make_comment(post, email="only.staff.see@example.org")
    response = admin_client.get(reverse("admin:discussion_comment_changelist"))
    assert "only.staff.see@example.org" in response.content.decode()


def test_admin_decisions_are_the_queues_own_logged_with_reports_closed_and_claims_respected(
    admin_client, admin_user, post, django_user_model
):
    from commentariat.moderation.models import Claim, ModerationAction, Report
    from commentariat.moderation.services import claim_comment

    url = reverse("admin:discussion_comment_changelist")
    reported = make_comment(post)
    Report.objects.create(comment=reported, reason="spam", reporter_ip="192.0.2.7")
    admin_client.post(url, {"action": "remove_selected", "_selected_action": [reported.pk]})
    action = ModerationAction.objects.get(comment=reported)
    assert (action.kind, action.actor) == (ModerationAction.Kind.REMOVE, admin_user)
    assert not Report.objects.filter(comment=reported, resolved_at__isnull=True).exists()

    claimed = make_comment(post)
    other = django_user_model.objects.create_user("second", is_staff=True)
    claim_comment(comment=claimed, by=other)
    response = admin_client.post(url, {"action": "remove_selected", "_selected_action": [claimed.pk]}, follow=True)
    claimed.refresh_from_db()
    assert claimed.status == Comment.Status.APPROVED and Claim.objects.filter(comment=claimed).exists()
    assert "is working on this comment" in response.content.decode()
