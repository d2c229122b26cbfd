"""The learned spam filter: trained on the site's own approve/spam decisions.

Word n-grams of the cleaned text and character n-grams of the raw text feed a
logistic regression (scikit-learn); the commenter's track record (earlier comments from the
same email address approved or marked spam) then moves that score. See bench/spam_replay.py
for how it scores.
With too little history the filter abstains (score None) and the rules decide.
"""

import html
import io
import math
import pickle
import re

from django.conf import settings
from django.db import transaction

from commentariat.discussion.models import Comment

from .models import SpamFilterModel

_TAG = re.compile(r"<[^>]+>")
_loaded: dict = {"pk": None, "pipeline": None}


def clean_text(text: str) -> str:
    """Text without markup or entities, for word features (module level so pickles can find it)."""
    return html.unescape(_TAG.sub(" ", text)).replace("\ufeff", "").lower()


def build_pipeline():
    # Imported here: scikit-learn costs a web worker ~80 MB, needed only once a filter exists.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    words = TfidfVectorizer(preprocessor=clean_text, ngram_range=(1, 2), sublinear_tf=True)
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    return make_pipeline(make_union(words, characters), LogisticRegression(C=30, max_iter=3000))


def train(texts: list[str], labels: list[int]):
    """A fitted pipeline; labels are 1 for spam, 0 for a legitimate comment."""
    pipeline = build_pipeline()
    pipeline.fit(texts, labels)
    return pipeline


def min_examples() -> int:
    return settings.COMMENTARIAT.get("SPAM_FILTER_MIN_EXAMPLES", 10)


def retrain_from_site() -> SpamFilterModel | None:
    """Train on every approved and spam comment, then refit the thresholds to the error budget;
    None when either class has too few examples."""
    limit = settings.COMMENTARIAT.get("SPAM_FILTER_MAX_EXAMPLES", 50000)
    decided = Comment.objects.filter(
        status__in=[Comment.Status.APPROVED, Comment.Status.SPAM], kind=Comment.Kind.COMMENT
    )
    rows = list(decided.order_by("-pk").values_list("body", "status")[:limit])
    labels = [1 if status == Comment.Status.SPAM else 0 for _, status in rows]
    spam = sum(labels)
    if spam < min_examples() or len(labels) - spam < min_examples():
        return None
    pipeline = train([body for body, _ in rows], labels)
    buffer = io.BytesIO()
    pickle.dump(pipeline, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    model = SpamFilterModel.objects.create(
        spam_examples=spam, ham_examples=len(labels) - spam, blob=buffer.getvalue()
    )
    SpamFilterModel.objects.exclude(pk=model.pk).filter(pk__lt=model.pk).delete()
    # The thresholds belong to the filter that scores with them: refit them with every retraining.
    from .error_budget import fit_thresholds_to_budget

    fit_thresholds_to_budget()
    return model


def spam_score(text: str) -> float | None:
    """The probability that text is spam, or None while the filter abstains."""
    pipeline = _current_pipeline()
    if pipeline is None:
        return None
    return float(pipeline.predict_proba([text])[0][1])


def with_track_record(score: float, *, approved: int, spam: int) -> float:
    """The text's score moved by what moderators decided before about the same commenter.

    Each earlier decision shifts the odds: log-odds + log((spam + 1) / (approved + 1)). A
    regular with three approved comments has the odds that a borderline text is spam cut to a
    quarter; an address with three comments marked spam has them multiplied by four. Unknown
    commenters keep the text's own score.
    """
    if not approved and not spam:
        return score
    score = min(max(score, 1e-9), 1 - 1e-9)
    log_odds = math.log(score / (1 - score)) + math.log((spam + 1) / (approved + 1))
    return 1 / (1 + math.exp(-log_odds))


def _current_pipeline():
    # Keyed by id and training time: a test database rolled back can hand out an id again.
    latest = SpamFilterModel.objects.values_list("pk", "created_at").first()
    if latest is None:
        return None
    if _loaded["pk"] != latest:
        blob = SpamFilterModel.objects.values_list("blob", flat=True).get(pk=latest[0])
        # Only this app writes these blobs, into the site's own database.
        _loaded.update(pk=latest, pipeline=pickle.loads(bytes(blob)))
    return _loaded["pipeline"]


def decisions_since_training() -> int:
    latest = SpamFilterModel.objects.only("created_at").first()
    decided = Comment.objects.filter(
        status__in=[Comment.Status.APPROVED, Comment.Status.SPAM], kind=Comment.Kind.COMMENT
    )
    if latest is not None:
        decided = decided.filter(status_changed_at__gt=latest.created_at)
    return decided.count()


def schedule_retraining() -> None:
    """Retrain in the background once enough new decisions have come in."""
    from .tasks import retrain_spam_filter

    every = settings.COMMENTARIAT.get("SPAM_FILTER_RETRAIN_EVERY", 25)
    if decisions_since_training() >= every:
        transaction.on_commit(lambda: retrain_spam_filter.enqueue())


def trained_at():
    latest = SpamFilterModel.objects.only("created_at").first()
    return latest.created_at if latest else None
