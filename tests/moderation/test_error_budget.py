"""The filter's thresholds are fitted to the site's error budget from its moderators' own decisions."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from commentariat.discussion.models import Comment
from commentariat.moderation.error_budget import (
    Decision,
    choose_thresholds,
    forward_scores,
    wilson_upper,
)
from commentariat.moderation.models import ModerationAction, ModerationPolicy, ThresholdFit
from commentariat.moderation.services import decide_comment
from commentariat.moderation.spam_filter import train, with_track_record
from tests.factories import make_comment

TOPICS = ["the council budget", "the bond vote", "the transit levy", "school funding", "the harbour plan",
          "rent control", "the audit report", "water rates", "the mayor's speech", "library hours"]  # fmt: skip
OPINIONS = ["I disagree with the point about", "The article undersells", "Good analysis of",
            "Paragraph {n} gets wrong", "My street saw the effect of", "Numbers on {n} contradict the piece on",
            "Thanks for explaining", "The comparison with last year is unfair to"]  # fmt: skip
PITCHES = ["check out my channel", "subscribe to my page", "free gift cards at", "earn money from home with",
           "win a phone today at", "follow me for daily prizes", "cheap followers at", "my new song is on"]  # fmt: skip
HOSTS = ["prize{n}.example", "cash-now.example/{n}", "gift{n}.example", "promo.example/?id={n}"]


def _history(count: int, *, seed: int = 7) -> list[Decision]:
    """A site's decisions over a year: regulars arguing, spam campaigns changing wording over time,
    and a few comments either way that look like the other kind."""
    rng = random.Random(seed)
    start = timezone.now() - timedelta(days=365)
    regulars = [f"regular{i}@example.org" for i in range(40)]
    decisions = []
    for i in range(count):
        at = start + timedelta(minutes=i * 97)
        n = rng.randrange(1000)
        if rng.random() < 0.4:
            campaign = PITCHES[(i * len(PITCHES) // count + rng.randrange(2)) % len(PITCHES)]
            link = rng.choice(HOSTS).format(n=n)
            body = f"{campaign} http://{link} {rng.choice(['!!', 'please', 'now', ''])}"
            if rng.random() < 0.05:  # spam dressed as a reader
                body = f"Good analysis of {rng.choice(TOPICS)}, {body}"
            decisions.append(Decision(at, body, f"bot{n}@spam.example", True))
        else:
            opinion = rng.choice(OPINIONS).format(n=n)
            body = f"{opinion} {rng.choice(TOPICS)}; {rng.choice(TOPICS)} matters more."
            if rng.random() < 0.05:  # a reader sharing a link
                body += f" My notes are on my channel http://notes.example/{n}"
            decisions.append(Decision(at, body, rng.choice(regulars), False))
    return decisions


def _errors_on_newer(older: list[Decision], newer: list[Decision], thresholds) -> dict:
    """What the site would have seen on newer comments with a filter trained on the older ones."""
    pipeline = train([d.body for d in older], [int(d.is_spam) for d in older])
    texts = pipeline.predict_proba([d.body for d in newer])[:, 1]
    seen = {}
    for d in older:
        seen.setdefault(d.email, [0, 0])[d.is_spam] += 1
    published = caught = automatic = 0
    for d, text in zip(newer, texts):
        approved, spam = seen.setdefault(d.email, [0, 0])
        score = with_track_record(float(text), approved=approved, spam=spam)
        published += d.is_spam and score <= thresholds.ham_threshold
        caught += not d.is_spam and score >= thresholds.spam_threshold
        automatic += score <= thresholds.ham_threshold or score >= thresholds.spam_threshold
        seen[d.email][d.is_spam] += 1
    spam_total = sum(d.is_spam for d in newer)
    return {
        "spam_published": published / spam_total,
        "good_caught": caught / (len(newer) - spam_total),
        "automatic": automatic / len(newer),
    }


def test_thresholds_fitted_on_older_decisions_keep_the_budget_on_newer_ones():
    history = _history(900)
    older, newer = history[:600], history[600:]
    scored = forward_scores(older)
    thresholds = choose_thresholds(scored, spam_published=0.02, good_caught=0.02, confidence=0.8)
    assert 0 < thresholds.ham_threshold < thresholds.spam_threshold < 1
    assert thresholds.spam_published_upper <= 0.02 and thresholds.good_caught_upper <= 0.02
    outcome = _errors_on_newer(older, newer, thresholds)
    assert outcome["spam_published"] <= 0.02
    assert outcome["good_caught"] <= 0.02
    assert outcome["automatic"] > 0.6


def test_the_chosen_thresholds_decide_as_much_as_the_bounds_allow():
    # 300 good comments scored 0.00–0.30 and 300 spam scored 0.70–1.00, with two outliers each way.
    good = [(i / 1000, False) for i in range(298)] + [(0.95, False), (0.96, False)]
    spam = [(0.7 + i / 1000, True) for i in range(298)] + [(0.05, True), (0.06, True)]
    loose = choose_thresholds(good + spam, spam_published=0.03, good_caught=0.03, confidence=0.8)
    # Two errors each way fit a 3% budget: everything is decided automatically.
    assert loose.auto_share == 1.0 and loose.spam_published == pytest.approx(2 / 300)
    # On 300, one error has an upper bound of 0.75%: a 1% budget takes the nearer outlier each way…
    assert wilson_upper(0, 300, 0.8) < wilson_upper(1, 300, 0.8) <= 0.01 < wilson_upper(2, 300, 0.8)
    one = choose_thresholds(good + spam, spam_published=0.01, good_caught=0.01, confidence=0.8)
    assert one.ham_threshold == pytest.approx(0.059) and one.spam_threshold == pytest.approx(0.951)
    assert one.spam_published == one.good_caught == pytest.approx(1 / 300)
    # …and a 0.5% budget none: both outliers stay outside the automatic ranges.
    none = choose_thresholds(good + spam, spam_published=0.005, good_caught=0.005, confidence=0.8)
    assert none.ham_threshold == pytest.approx(0.049) and none.spam_threshold == pytest.approx(0.961)
    assert none.spam_published == none.good_caught == 0


def test_a_budget_no_history_can_prove_decides_nothing_automatically():
    scored = [(0.005 + 0.01 * i, i >= 50) for i in range(100)]  # perfectly separated, but only 50 of each
    chosen = choose_thresholds(scored, spam_published=0.001, good_caught=0.001, confidence=0.8)
    assert (chosen.ham_threshold, chosen.spam_threshold) == (0.0, 1.0)
    assert chosen.auto_share == 0.0


# Through the site: decisions stored as moderators make them, a retraining, the policy page.


def _store(post, decisions: list[Decision]) -> None:
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name="Reader",
            author_email=d.email,
            body=d.body,
            status=Comment.Status.SPAM if d.is_spam else Comment.Status.APPROVED,
            decided_status=Comment.Status.SPAM if d.is_spam else Comment.Status.APPROVED,
            decided_at=d.decided_at,
            status_changed_at=d.decided_at,
        )
        for d in decisions
    )


@pytest.fixture
def admin_client(client, moderator):
    moderator.groups.add(Group.objects.get(name="admin"))
    client.force_login(moderator)
    return client


@pytest.mark.django_db
def test_too_few_decisions_keep_the_thresholds_and_the_page_says_why(admin_client, post, policy, capsys):
    _store(post, _history(150))
    call_command("spam_filter", "retrain")
    policy = ModerationPolicy.current()
    assert (policy.spam_threshold, policy.ham_threshold) == (0.85, 0.10)
    assert not ModerationAction.objects.filter(kind=ModerationAction.Kind.POLICY).exists()
    page = admin_client.get(reverse("moderation:policy"))
    assertContains(page, "Kept the current thresholds: 150 moderator decisions")
    capsys.readouterr()
    call_command("spam_filter", "status")
    assert "Kept the current thresholds: 150 moderator decisions" in capsys.readouterr().out


@pytest.mark.django_db
def test_retraining_after_moderators_decide_refits_the_thresholds_shown_on_the_policy_page(
    admin_client, post, policy, moderator, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SPAM_FILTER_RETRAIN_EVERY": 3}
    policy.budget_spam_published, policy.budget_good_caught = 2.0, 2.0
    policy.save()
    _store(post, _history(400))
    assertContains(admin_client.get(reverse("moderation:policy")), "Not fitted yet")
    with django_capture_on_commit_callbacks(execute=True):
        for comment in [make_comment(post, body=f"A fair point about the levy, {i}.") for i in range(3)]:
            decide_comment(comment=comment, decision=ModerationAction.Kind.APPROVE, by=moderator)
    fit = ThresholdFit.objects.get()
    policy = ModerationPolicy.current()
    assert fit.applied and fit.decisions == 403
    assert (policy.spam_threshold, policy.ham_threshold) == (fit.spam_threshold, fit.ham_threshold)
    assert fit.spam_published_upper <= 0.02 and fit.good_caught_upper <= 0.02 and fit.auto_share > 0.5
    logged = ModerationAction.objects.get(kind=ModerationAction.Kind.POLICY)
    assert logged.actor is None and "error budget" in logged.reason
    page = admin_client.get(reverse("moderation:policy"))
    for shown in (
        "at most <strong>2.0%</strong> of spam published automatically",
        f"spam at ≥ {fit.spam_threshold:.3f}, approve at ≤ {fit.ham_threshold:.3f}",
        f"{fit.auto_share * 100:.1f}%",
        "403 moderator decisions",
    ):
        assertContains(page, shown)


@pytest.mark.django_db
def test_thresholds_set_by_hand_stay_when_the_policy_says_so(admin_client, post, policy):
    form = admin_client.get(reverse("moderation:policy")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and value is not False}
    data.update(spam_threshold=0.9, ham_threshold=0.2, budget_spam_published=3, comments_enabled="on")
    data.pop("thresholds_follow_budget")
    assert admin_client.post(reverse("moderation:policy"), data).status_code == 302
    _store(post, _history(300))
    call_command("spam_filter", "retrain")
    policy = ModerationPolicy.current()
    assert policy.budget_spam_published == 3 and not policy.thresholds_follow_budget
    assert (policy.spam_threshold, policy.ham_threshold) == (0.9, 0.2)
    fit = ThresholdFit.objects.get()
    assert fit.is_fitted and not fit.applied and fit.budget_spam_published == 3


@pytest.mark.django_db
def test_only_the_latest_fits_are_kept(policy, monkeypatch):
    from commentariat.moderation import error_budget

    monkeypatch.setattr(error_budget, "KEPT_FITS", 2)
    fits = [error_budget.fit_thresholds_to_budget() for _ in range(3)]
    assert list(ThresholdFit.objects.values_list("pk", flat=True)) == [fits[2].pk, fits[1].pk]
    assert error_budget.latest_fit() == fits[2]
