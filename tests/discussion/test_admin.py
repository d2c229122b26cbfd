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
