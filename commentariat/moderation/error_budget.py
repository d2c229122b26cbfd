"""Fit the spam filter's two thresholds to the site's error budget, from its own moderators' decisions.

The budget says how much the site tolerates: at most X% of spam published automatically and at
most Y% of good comments caught. The decisions moderators made (a comment's last human decision,
approve or spam) are put in time order and validated forward, never by random folds: a filter
trained on the oldest third scores the next sixth, one trained on the oldest half scores the
sixth after that, and so on to the newest (four blocks: two thirds of the decisions are scored,
each by a filter that never saw it nor anything newer). A spam campaign that started last week
therefore counts as new, as it would on the site. Each scored comment also carries the
commenter's track record as it stood before it (earlier decisions on the same address).

On those scores the approve threshold is the highest that keeps the share of spam at or below it
within X%, and the spam threshold the lowest that keeps the share of good comments at or above it
within Y%; both shares are judged by the upper end of a Wilson interval (one-sided, confidence
COMMENTARIAT["ERROR_BUDGET_CONFIDENCE"], 0.8 by default) rather than the observed share, so that
a few lucky blocks do not spend the budget. With few decisions that bound is wide and the
thresholds stay cautious: 0 and 1 mean "never decide automatically". With too few decisions at
all (ERROR_BUDGET_MIN_DECISIONS, 200; ERROR_BUDGET_MIN_SPAM, 20 of each kind) the current
thresholds stay and the fit says why.

Only moderators' decisions count (decided_status), never the filter's own: grading the filter by
its own verdicts would prove nothing. Where the filter already decides most comments, moderators
see mostly the unsure ones, so the estimates lean pessimistic. Time order is not a new site's
campaign either: bench/spam_replay.py measures how the fitted thresholds hold on a whole source
the fit never saw.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist

from django.conf import settings
from django.db import transaction

from commentariat.discussion.models import Comment

from .models import ModerationPolicy, ThresholdFit
from .spam_filter import min_examples, train, with_track_record

# Where each forward block starts, as a share of the decisions in time order.
BLOCK_STARTS = (1 / 3, 1 / 2, 2 / 3, 5 / 6)
KEPT_FITS = 50


@dataclass(frozen=True)
class Decision:
    """A moderator's decision on a comment: what the filter would have read, and the verdict."""

    decided_at: datetime
    body: str
    email: str
    is_spam: bool


@dataclass(frozen=True)
class Thresholds:
    spam_threshold: float
    ham_threshold: float
    auto_share: float
    spam_published: float
    spam_published_upper: float
    good_caught: float
    good_caught_upper: float


def _setting(name: str, default):
    return settings.COMMENTARIAT.get(name, default)


def wilson_upper(errors: int, total: int, confidence: float) -> float:
    """The upper end of the one-sided Wilson score interval for errors/total (1.0 when total is 0)."""
    if total == 0:
        return 1.0
    z = NormalDist().inv_cdf(confidence)
    share = errors / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return min(1.0, (centre + spread) / (1 + z * z / total))


def forward_scores(decisions: list[Decision]) -> list[tuple[float, bool]]:
    """(score, is spam) for the newer decisions, each scored by a filter trained only on older ones."""
    ordered = sorted(decisions, key=lambda d: d.decided_at)
    record = _track_records(ordered)
    cuts = [int(len(ordered) * start) for start in BLOCK_STARTS] + [len(ordered)]
    scored = []
    for start, end in zip(cuts, cuts[1:]):
        older, block = ordered[:start], ordered[start:end]
        spam = sum(d.is_spam for d in older)
        if not block or spam < min_examples() or len(older) - spam < min_examples():
            continue
        pipeline = train([d.body for d in older], [int(d.is_spam) for d in older])
        texts = pipeline.predict_proba([d.body for d in block])[:, 1]
        for decision, text_score, (approved, spam_before) in zip(block, texts, record[start:end]):
            score = with_track_record(float(text_score), approved=approved, spam=spam_before)
            scored.append((score, decision.is_spam))
    return scored


def _track_records(ordered: list[Decision]) -> list[tuple[int, int]]:
    """For each decision, how many earlier ones on the same address were approved and spam."""
    seen: dict[str, list[int]] = {}
    records = []
    for decision in ordered:
        counts = seen.setdefault(decision.email.lower(), [0, 0])
        records.append((counts[0], counts[1]))
        counts[decision.is_spam] += 1
    return records


def choose_thresholds(scored: list[tuple[float, bool]], *, spam_published: float, good_caught: float,
                      confidence: float) -> Thresholds:  # fmt: skip
    """The thresholds deciding the most automatically while both error bounds stay within budget.

    spam_published and good_caught are shares (0.01 for 1%).
    """
    spam = sorted(score for score, is_spam in scored if is_spam)
    good = sorted((score for score, is_spam in scored if not is_spam), reverse=True)
    scores = sorted(score for score, _ in scored)
    allowed_spam = _allowed_errors(len(spam), spam_published, confidence)
    allowed_good = _allowed_errors(len(good), good_caught, confidence)
    # Approve up to just below the first spam score that would overspend, spam from just above
    # the first good score that would; a budget not even zero errors can prove decides nothing.
    if allowed_spam < 0:
        ham_threshold = 0.0
    else:
        limit = spam[allowed_spam] if allowed_spam < len(spam) else math.inf
        ham_threshold = max((s for s in scores if s < limit), default=0.0)
    if allowed_good < 0:
        spam_threshold = 1.0
    else:
        limit = good[allowed_good] if allowed_good < len(good) else -math.inf
        spam_threshold = min((s for s in scores if s > limit), default=1.0)
    if ham_threshold >= spam_threshold:
        ham_threshold = max((s for s in scores if s < spam_threshold), default=0.0)
    published = sum(s <= ham_threshold for s in spam)
    caught = sum(s >= spam_threshold for s in good)
    automatic = sum(s <= ham_threshold or s >= spam_threshold for s in scores)
    return Thresholds(
        spam_threshold=spam_threshold,
        ham_threshold=ham_threshold,
        auto_share=automatic / len(scores) if scores else 0.0,
        spam_published=published / len(spam) if spam else 0.0,
        spam_published_upper=wilson_upper(published, len(spam), confidence),
        good_caught=caught / len(good) if good else 0.0,
        good_caught_upper=wilson_upper(caught, len(good), confidence),
    )


def _allowed_errors(total: int, budget: float, confidence: float) -> int:
    """The most errors out of total whose Wilson upper bound stays within budget; -1 if not even none."""
    allowed = -1
    while allowed < total and wilson_upper(allowed + 1, total, confidence) <= budget:
        allowed += 1
    return allowed


def site_decisions() -> list[Decision]:
    """The moderators' decisions (approve or spam, the comment's last human decision), newest last."""
    limit = _setting("SPAM_FILTER_MAX_EXAMPLES", 50000)
    rows = (
        Comment.objects.filter(
            kind=Comment.Kind.COMMENT,
            decided_status__in=[Comment.Status.APPROVED, Comment.Status.SPAM],
            decided_at__isnull=False,
            erased_at__isnull=True,
        )
        .order_by("-decided_at", "-pk")
        .values_list("decided_at", "body", "author_email", "decided_status")[:limit]
    )
    spam = Comment.Status.SPAM
    return [Decision(at, body, email, status == spam) for at, body, email, status in reversed(rows)]


def fit_thresholds_to_budget() -> ThresholdFit:
    """Fit both thresholds to the policy's error budget and, if the policy says so, apply them.

    Returns the stored fit; it keeps the current thresholds (and says why) when the decisions
    are too few.
    """
    policy = ModerationPolicy.current()
    decisions = site_decisions()
    spam = sum(d.is_spam for d in decisions)
    fit = ThresholdFit(
        decisions=len(decisions),
        spam_decisions=spam,
        decided_from=decisions[0].decided_at if decisions else None,
        decided_until=decisions[-1].decided_at if decisions else None,
        budget_spam_published=policy.budget_spam_published,
        budget_good_caught=policy.budget_good_caught,
    )
    fewest, fewest_spam = _setting("ERROR_BUDGET_MIN_DECISIONS", 200), _setting("ERROR_BUDGET_MIN_SPAM", 20)
    if len(decisions) < fewest or min(spam, len(decisions) - spam) < fewest_spam:
        fit.note = (
            f"Kept the current thresholds: {len(decisions)} moderator decisions ({spam} spam); "
            f"a fit needs at least {fewest}, with {fewest_spam} spam and {fewest_spam} approved."
        )
        return _store(fit)
    scored = forward_scores(decisions)
    fit.scored, fit.scored_spam = len(scored), sum(is_spam for _, is_spam in scored)
    chosen = choose_thresholds(
        scored,
        spam_published=policy.budget_spam_published / 100,
        good_caught=policy.budget_good_caught / 100,
        confidence=_setting("ERROR_BUDGET_CONFIDENCE", 0.8),
    )
    for field, value in chosen.__dict__.items():
        setattr(fit, field, value)
    with transaction.atomic():
        # Read again: an admin may have saved the policy while the filters trained, and
        # update_policy saves the whole row.
        policy = ModerationPolicy.objects.select_for_update().get(pk=policy.pk)
        if policy.thresholds_follow_budget:
            _apply(policy, fit)
        else:
            fit.note = "Not applied: the policy keeps thresholds set by hand."
        return _store(fit)


def _store(fit: ThresholdFit) -> ThresholdFit:
    """Save the fit; only the latest few are kept (one per retraining would pile up)."""
    fit.save()
    stale = ThresholdFit.objects.values_list("pk", flat=True)[KEPT_FITS:]
    ThresholdFit.objects.filter(pk__in=list(stale)).delete()
    return fit


def _apply(policy: ModerationPolicy, fit: ThresholdFit) -> None:
    from .services import update_policy

    update_policy(
        policy=policy,
        changes={"spam_threshold": fit.spam_threshold, "ham_threshold": fit.ham_threshold},
        by=None,
        reason=(
            f"Fitted to the error budget on {fit.decisions} moderator decisions: "
            f"{fit.auto_share:.1%} expected to be decided automatically."
        ),
    )
    fit.applied = True


def latest_fit() -> ThresholdFit | None:
    return ThresholdFit.objects.first()


def describe_fit(fit: ThresholdFit) -> str:
    """The fit in one line, for the command and the log."""
    if not fit.is_fitted:
        return fit.note
    done = "Thresholds fitted to the error budget" if fit.applied else "Thresholds fitted (not applied)"
    return (
        f"{done}: spam at ≥ {fit.spam_threshold:.3f}, approve at ≤ {fit.ham_threshold:.3f}; "
        f"{fit.auto_share:.1%} expected to be decided automatically, spam published {fit.spam_published:.2%} "
        f"(at most {fit.spam_published_upper:.2%}), good comments caught {fit.good_caught:.2%} "
        f"(at most {fit.good_caught_upper:.2%}); {fit.decisions} moderator decisions, "
        f"{fit.scored} scored forward."
    )
