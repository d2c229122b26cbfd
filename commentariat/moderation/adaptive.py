"""Moderation that adapts to the team: stricter when nobody is on duty or the queue is behind.

The switch is evaluated whenever a comment is screened or a post page asks for its
notice; each change is written to the audit log, so moderators can see when and why.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from commentariat.core import clock
from commentariat.discussion.models import Comment

from .models import AdaptiveState, ModerationAction, ModerationPolicy


def on_duty(policy: ModerationPolicy, now) -> bool:
    """Whether a moderator is on duty now; with no hours set, always."""
    if policy.duty_start is None or policy.duty_end is None:
        return True
    moment = timezone.localtime(now).time()
    if policy.duty_start <= policy.duty_end:
        return policy.duty_start <= moment < policy.duty_end
    return moment >= policy.duty_start or moment < policy.duty_end  # hours across midnight


def backlog_reasons(policy: ModerationPolicy, now) -> list[str]:
    reasons = []
    if not on_duty(policy, now):
        reasons.append("no moderator on duty")
    pending = Comment.objects.filter(status=Comment.Status.PENDING)
    count = pending.count()
    if count > policy.backlog_max_pending:
        reasons.append(f"{count} comments waiting (limit {policy.backlog_max_pending})")
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is not None and now - oldest > timedelta(minutes=policy.backlog_max_age_minutes):
        minutes = int((now - oldest).total_seconds() // 60)
        reasons.append(f"oldest comment waiting {minutes} minutes (limit {policy.backlog_max_age_minutes})")
    return reasons


def strict_mode_now(policy: ModerationPolicy | None = None) -> str | None:
    """The stricter mode in force because of the team's situation, or None; logs each switch."""
    policy = policy or ModerationPolicy.current()
    if not policy.adaptive_enabled:
        return None
    now = clock.now()
    reasons = backlog_reasons(policy, now)
    strict = bool(reasons)
    state = AdaptiveState.current()
    if state.strict != strict:
        _record_switch(state, strict, "; ".join(reasons) or "the team is on duty and the queue is clear", now)
    return policy.strict_mode if strict else None


@transaction.atomic
def _record_switch(state: AdaptiveState, strict: bool, reason: str, now) -> None:
    before = {"strict": state.strict}
    state.strict, state.reason, state.changed_at = strict, reason[:300], now
    state.save()
    ModerationAction.objects.create(
        created_at=now,
        kind=ModerationAction.Kind.SWITCH,
        subject="site mode",
        before=before,
        after={"strict": strict},
        reason=reason,
    )
