"""The site's moderation policy applied to each new comment, in this order:

1. sanctions (ban or suspension refuses; "always hold" holds silently),
2. flood control (HTTP 429 past the per-minute limit),
3. disallowed words, phrases and domains (spam),
4. the learned filter (very likely spam: spam),
5. hold rules (mode, links, moderation words, watched domains),
6. otherwise approved (or held when the filter is unsure).

Each decision carries its reason, shown to moderators only.
"""

import re
from functools import cached_property

from django.db.models import Count

from commentariat.core import clock
from commentariat.discussion.models import Comment
from commentariat.discussion.screening import Screening
from commentariat.publishing.models import Post

from . import adaptive, refusals
from .exceptions import CommenterBanned
from .flood import check_flood
from .models import MODE_STRICTNESS, Mode, ModerationPolicy, Sanction
from .spam_filter import spam_score, with_track_record

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_URL_HOST = re.compile(r"(?:https?://|www\.)([^/\s?#)\]>\"']+)", re.IGNORECASE)

APPROVED, PENDING, SPAM = Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM


class ModerationScreener:
    """One per request or decision: the policy row is read once, however many questions are asked."""

    @cached_property
    def policy(self) -> ModerationPolicy:
        return ModerationPolicy.current()

    def screen(self, comment: Comment) -> Screening:
        policy = self.policy
        sanction = matching_sanction(
            email=comment.author_email, ip=comment.ip_address, name=comment.author_name
        )
        if sanction is not None and sanction.kind != Sanction.Kind.HOLD:
            raise CommenterBanned(
                until=sanction.expires_at if sanction.kind == Sanction.Kind.SUSPEND else None
            )
        if comment.user_id is not None and comment.user.is_staff:
            return Screening(APPROVED, "Written by staff.")
        if comment.ip_address:  # a request from the web; imports and the demo loader have no address
            check_flood(
                ip=comment.ip_address, email=comment.author_email, limit=policy.flood_limit_per_minute
            )
        if sanction is not None:
            return Screening(PENDING, f"Commenter is on always-hold: {sanction.reason}")
        text = " ".join([comment.body, comment.author_name, comment.author_url, comment.author_email]).lower()
        if term := _first_term(policy.lines(policy.disallowed_terms), text):
            return Screening(SPAM, f"Contains the disallowed “{term}”.")
        score = spam_score(comment.body)
        if score is not None:
            score = with_track_record(score, **decided_before(comment.author_email))
        if score is not None and score >= policy.spam_threshold:
            return Screening(SPAM, f"Spam filter: score {score:.2f}.", score)
        if hold := hold_reason(comment, policy):
            return Screening(PENDING, hold, score)
        if score is None:
            return Screening(APPROVED, "No rule held it (spam filter not trained yet).")
        if score <= policy.ham_threshold:
            return Screening(APPROVED, f"Spam filter: score {score:.2f}, very likely fine.", score)
        return Screening(PENDING, f"Spam filter unsure: score {score:.2f}.", score)

    def closed_message(self, post: Post) -> str | None:
        policy = self.policy
        if not policy.comments_enabled:
            return policy.comments_disabled_message
        if policy.auto_close_days and post.published_at is not None:
            age = clock.now() - post.published_at
            if age.days >= policy.auto_close_days:
                return "Comments are closed."
        return None

    def reader_notice(self, post: Post) -> str:
        policy = self.policy
        if adaptive.strict_mode_now(policy) is not None:
            return (
                "Our moderators are away or catching up: new comments may wait for review before they appear."
            )
        if (post.comment_mode or policy.mode) == Mode.HOLD_ALL:
            return "Comments on this post are reviewed before they appear."
        return ""

    def note_refusal(self, refusal) -> None:
        refusals.record(refusal)


def matching_sanction(*, email: str, ip: str | None, name: str) -> Sanction | None:
    """The most severe active sanction that matches this commenter."""
    severity = {Sanction.Kind.BAN: 0, Sanction.Kind.SUSPEND: 1, Sanction.Kind.HOLD: 2}
    matches = [s for s in Sanction.objects.active(clock.now()) if s.matches(email=email, ip=ip, name=name)]
    return min(matches, key=lambda s: severity[s.kind], default=None)


def effective_mode(post: Post, policy: ModerationPolicy) -> str:
    """The post's own mode, else the site's; the adaptive switch can only make it stricter."""
    mode = post.comment_mode or policy.mode
    strict = adaptive.strict_mode_now(policy)
    if strict is not None and MODE_STRICTNESS[strict] > MODE_STRICTNESS[mode]:
        return strict
    return mode


def hold_reason(comment: Comment, policy: ModerationPolicy) -> str:
    """Why a hold rule applies to this comment, or ''."""
    mode = effective_mode(comment.post, policy)
    if mode == Mode.HOLD_ALL:
        return "Every comment is held for review right now."
    if mode == Mode.HOLD_FIRST_TIME and not _has_approved_comment(comment.author_email):
        return "First comment from this email address."
    links = len(_LINK.findall(comment.body))
    if policy.link_limit and links >= policy.link_limit:
        return f"{links} links (limit {policy.link_limit})."
    if term := _first_term(policy.lines(policy.moderation_terms), comment.body.lower()):
        return f"Contains the moderation word “{term}”."
    hosts = {host.lower() for host in _URL_HOST.findall(comment.body + " " + comment.author_url)}
    hosts.add(comment.author_email.rpartition("@")[2].lower())
    for domain in policy.lines(policy.watched_domains):
        if any(host == domain or host.endswith("." + domain) for host in hosts):
            return f"Mentions the watched domain {domain}."
    return ""


def decided_before(email: str) -> dict[str, int]:
    """How many of this address's earlier comments moderators (or the rules) approved and marked spam."""
    counts = dict(
        Comment.objects.filter(author_email__in={email, email.lower()}, status__in=[APPROVED, SPAM])
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {"approved": counts.get(APPROVED, 0), "spam": counts.get(SPAM, 0)}


def _has_approved_comment(email: str) -> bool:
    return Comment.objects.filter(author_email__iexact=email, status=APPROVED).exists()


def _first_term(terms: list[str], text: str) -> str | None:
    for term in terms:
        # Whole words only, so that a short word does not match inside a longer one.
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text):
            return term
    return None
