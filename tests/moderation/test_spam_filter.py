import pytest
from django.core.management import CommandError, call_command

from commentariat.discussion.models import Comment
from commentariat.moderation.models import ModerationAction, SpamFilterModel
from commentariat.moderation.services import decide_comment
from commentariat.moderation.spam_filter import spam_score, with_track_record
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db

SPAM = [
    "check out my channel and subscribe http://spam.example/{i}",
    "free money click here now http://cash.example/{i} subscribe",
    "Subscribe to my channel for free gift cards {i} http://gift.example",
]
HAM = [
    "I disagree with the second point about the budget, number {i}.",
    "The council vote was closer than the article suggests ({i}).",
    "Good analysis; the history of the bond matters here, see point {i}.",
]


def _history(post, moderator, count=12):
    """Past decisions: approved comments and spam, as moderators would have made them."""
    for i in range(count):
        make_comment(post, body=HAM[i % 3].format(i=i))
        spam = make_comment(post, body=SPAM[i % 3].format(i=i))
        Comment.objects.filter(pk=spam.pk).update(status=Comment.Status.SPAM)


def test_without_history_the_filter_abstains_and_the_rules_decide(client, post, policy):
    assert spam_score("anything at all") is None
    with pytest.raises(CommandError, match="Not enough history"):
        call_command("spam_filter", "retrain")


def test_retrain_command_learns_from_the_sites_decisions(post, policy, moderator, capsys):
    _history(post, moderator)
    call_command("spam_filter", "retrain")
    assert "retrained on 12 spam and 12 approved" in capsys.readouterr().out
    assert spam_score("subscribe to my channel http://spam.example/99") > 0.5
    assert spam_score("I disagree with the point about the council budget.") < 0.5


def test_the_filter_sends_likely_spam_to_spam_with_its_score(client, post, policy, moderator):
    _history(post, moderator)
    call_command("spam_filter", "retrain")
    client.post(
        post.get_absolute_url() + "comments/",
        comment_form(
            author_name="Bot",
            author_email="bot@example.org",
            body="check out my channel and subscribe http://spam.example/77 free money",
        ),
    )
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_score >= 0.8 and "Spam filter" in comment.status_reason


def test_moderator_decisions_retrain_the_filter_in_the_background(
    post, policy, moderator, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SPAM_FILTER_RETRAIN_EVERY": 5}
    _history(post, moderator, count=10)
    assert not SpamFilterModel.objects.exists()
    pending = [make_comment(post, body=f"new words {i}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for comment in pending:
            decide_comment(comment=comment, decision=ModerationAction.Kind.APPROVE, by=moderator)
    assert callbacks
    assert SpamFilterModel.objects.count() == 1


def test_a_commenters_track_record_moves_the_filters_score(client, post, policy, moderator):
    """The same borderline text: a regular keeps the benefit of the doubt, a known spammer does not."""
    _history(post, moderator)
    for i in range(3):
        make_comment(post, email="regular@example.org", body=HAM[i].format(i=100 + i))
        spam = make_comment(post, email="spammer@example.org", body=f"Spam number {i}")
        Comment.objects.filter(pk=spam.pk).update(status=Comment.Status.SPAM)
    call_command("spam_filter", "retrain")
    text = "Interesting channel, I subscribe to the budget analysis"
    scores = {}
    for n, email in enumerate(("newcomer@example.org", "Regular@example.org", "spammer@example.org")):
        client.post(
            post.get_absolute_url() + "comments/", comment_form(author_email=email, body=f"{text} {n}")
        )
        scores[email.lower()] = Comment.objects.latest("pk").spam_score
    assert scores["regular@example.org"] < scores["newcomer@example.org"] < scores["spammer@example.org"]
    assert scores["spammer@example.org"] > 0.5 > scores["regular@example.org"]


def test_track_record_shifts_the_odds_by_the_decisions_made_before():
    assert with_track_record(0.5, approved=0, spam=0) == 0.5
    assert with_track_record(0.5, approved=3, spam=0) == pytest.approx(0.2)  # odds 1 → 1/4
    assert with_track_record(0.5, approved=0, spam=3) == pytest.approx(0.8)  # odds 1 → 4
    assert with_track_record(0.9, approved=2, spam=2) == pytest.approx(0.9)
    assert 0 < with_track_record(0.0, approved=5, spam=0) < with_track_record(1.0, approved=0, spam=5) < 1
