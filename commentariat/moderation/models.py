import ipaddress
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Mode(models.TextChoices):
    HOLD_NONE = "hold_none", "Hold nobody"
    HOLD_FIRST_TIME = "hold_first_time", "Hold first-time commenters until one comment is approved"
    HOLD_ALL = "hold_all", "Hold every comment"


# Strictness order, for "the stricter of two modes".
MODE_STRICTNESS = {Mode.HOLD_NONE: 0, Mode.HOLD_FIRST_TIME: 1, Mode.HOLD_ALL: 2}


class ModerationPolicy(models.Model):
    """The site's moderation policy: one row, edited by admins, every change logged."""

    comments_enabled = models.BooleanField("Comments on across the site", default=True)
    comments_disabled_message = models.CharField(
        max_length=300, default="Comments are switched off across the site for the moment."
    )
    mode = models.CharField(max_length=20, choices=Mode, default=Mode.HOLD_FIRST_TIME)
    link_limit = models.PositiveSmallIntegerField(
        default=2, help_text="Hold comments with this many links or more (0: never)."
    )
    disallowed_terms = models.TextField(
        blank=True, help_text="One word, phrase or domain per line: a comment containing it is spam."
    )
    moderation_terms = models.TextField(
        blank=True, help_text="One word or phrase per line: a comment containing it is held."
    )
    watched_domains = models.TextField(
        blank=True, help_text="One domain per line: comments linking to it, or from an email there, are held."
    )
    flood_limit_per_minute = models.PositiveSmallIntegerField(
        default=5, help_text="Comments one IP address or email may send in a minute."
    )
    spam_threshold = models.FloatField(
        default=0.85, help_text="Spam score at or above which the learned filter sends a comment to spam."
    )
    ham_threshold = models.FloatField(
        default=0.10, help_text="Spam score at or below which the learned filter approves a comment."
    )
    budget_spam_published = models.FloatField(
        "Error budget: spam published automatically (%)",
        default=1.0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="At most this share of spam may be approved by the filter without a moderator.",
    )
    budget_good_caught = models.FloatField(
        "Error budget: good comments caught (%)",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="At most this share of legitimate comments may be sent to spam by the filter.",
    )
    thresholds_follow_budget = models.BooleanField(
        "Fit the thresholds to the error budget",
        default=True,
        help_text="Whenever the filter retrains, set both thresholds from the moderators' own decisions.",
    )
    auto_close_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Close comments this many days after publication (empty: never)."
    )
    adaptive_enabled = models.BooleanField(
        "Stricter when the team is away or behind",
        default=False,
        help_text="Outside moderator hours, or when the queue is too long or too old, use the strict mode.",
    )
    duty_start = models.TimeField(null=True, blank=True, help_text="Moderators on duty from (site time).")
    duty_end = models.TimeField(null=True, blank=True, help_text="Moderators on duty until (site time).")
    backlog_max_pending = models.PositiveIntegerField(default=50)
    backlog_max_age_minutes = models.PositiveIntegerField(default=240)
    strict_mode = models.CharField(max_length=20, choices=Mode, default=Mode.HOLD_ALL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "moderation policy"
        permissions = [("change_policy", "Can change the moderation policy")]

    def __str__(self):
        return "Moderation policy"

    @classmethod
    def current(cls) -> "ModerationPolicy":
        # Read first, created only once: get_or_create asks the router for the primary as a write
        # does, which would mark every reader as a writer (core/replica.py) and their shared page
        # with the `commentariat_wrote` cookie that no shared cache keeps.
        policy = cls.objects.filter(pk=1).first()
        if policy is None:
            initial_mode = settings.COMMENTARIAT.get("INITIAL_MODERATION_MODE", Mode.HOLD_FIRST_TIME)
            policy, _ = cls.objects.get_or_create(pk=1, defaults={"mode": initial_mode})
        return policy

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip().lower() for line in text.splitlines() if line.strip()]


class SanctionQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Sanction(models.Model):
    """A graduated measure against a commenter, matched by email, IP or network, or name."""

    class Kind(models.TextChoices):
        HOLD = "hold", "Always hold"
        SUSPEND = "suspend", "Suspend"
        BAN = "ban", "Ban"

    kind = models.CharField(max_length=10, choices=Kind)
    email = models.EmailField(blank=True)
    ip_network = models.CharField(
        max_length=50, blank=True, help_text="An IP address or a network, 192.0.2.0/24."
    )
    name = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email or self.ip_network or self.name}"

    def matches(self, *, email: str, ip: str | None, name: str) -> bool:
        if self.email and self.email.lower() == email.lower():
            return True
        if self.name and self.name.strip().lower() == name.strip().lower():
            return True
        if self.ip_network and ip:
            try:
                return ipaddress.ip_address(ip) in ipaddress.ip_network(self.ip_network, strict=False)
            except ValueError:
                return False
        return False


class CommenterNote(models.Model):
    email = models.EmailField(db_index=True)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Note on {self.email}"


class ModerationAction(models.Model):
    """The audit log: every moderator action and every automatic switch, never edited."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approved"
        SPAM = "spam", "Marked spam"
        REMOVE = "remove", "Removed"
        HOLD = "hold", "Put back in the queue"
        EDIT = "edit", "Edited"
        REPLY = "reply", "Replied"
        SANCTION = "sanction", "Sanctioned"
        REVOKE = "revoke", "Lifted a sanction"
        NOTE = "note", "Added a note"
        POLICY = "policy", "Changed the policy"
        SWITCH = "switch", "Switched mode automatically"
        PURGE = "purge", "Purged"
        UNDO = "undo", "Undid"
        THREAD = "thread", "Changed a thread's settings"
        PICK = "pick", "Picked (or unpicked) as an editors' pick"
        DATA_EXPORT = "data_export", "A commenter downloaded their comments"
        DATA_ERASURE = "data_erasure", "A commenter erased their comments"
        STATEMENT = "statement", "Sent a statement of reasons"
        APPEAL = "appeal", "Decided an appeal"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the system.",
    )
    kind = models.CharField(max_length=20, choices=Kind, db_index=True)
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    post = models.ForeignKey(
        "publishing.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=300, blank=True, help_text="Who or what the action was about.")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    undone_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undoes"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_comments", "Can moderate comments")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.kind} {self.subject}"

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return "System"
        return self.actor.get_full_name() or self.actor.get_username()


class Claim(models.Model):
    """A moderator working on a comment; others see it and keep off until it expires."""

    comment = models.OneToOneField("discussion.Comment", on_delete=models.CASCADE, related_name="claim")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.moderator} on comment {self.comment_id}"

    def is_active(self, now=None) -> bool:
        return self.expires_at > (now or timezone.now())


class SpamFilterModel(models.Model):
    """A trained spam filter, pickled; the newest one scores new comments."""

    created_at = models.DateTimeField(auto_now_add=True)
    spam_examples = models.PositiveIntegerField()
    ham_examples = models.PositiveIntegerField()
    blob = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"Spam filter of {self.created_at:%Y-%m-%d %H:%M} ({self.spam_examples} spam, {self.ham_examples} fine)"


class AdaptiveState(models.Model):
    """Whether the adaptive switch has made moderation stricter, and why; one row."""

    strict = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return "strict" if self.strict else "normal"

    @classmethod
    def current(cls) -> "AdaptiveState":
        state = cls.objects.filter(pk=1).first()  # read first, as ModerationPolicy.current() does
        if state is None:
            state, _ = cls.objects.get_or_create(pk=1)
        return state


class DigestSubscriber(models.Model):
    """A moderator who asked for the queue by email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"digest for {self.user}"


class DigestLink(models.Model):
    """An approve or spam link in a digest: for one comment, one moderator, used once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    comment = models.ForeignKey("discussion.Comment", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10)
    # The comment's state_version when the digest was sent: a link acts only on what it showed.
    seen_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.decision} {self.comment_id} for {self.user_id}"


class ModeratorPreferences(models.Model):
    """How one moderator wants the queue to behave (WCAG 2.1.4: single-key shortcuts can be turned off)."""

    class Shortcuts(models.TextChoices):
        SINGLE = "single", "Single keys (a, s, d…)"
        MODIFIER = "modifier", "With Alt+Shift (Alt+Shift+A…)"
        OFF = "off", "Off"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shortcuts = models.CharField(max_length=10, choices=Shortcuts, default=Shortcuts.SINGLE)

    def __str__(self):
        return f"preferences of {self.user}"

    KEYS = "jkashduerbx"

    def key_labels(self) -> dict[str, str]:
        """What to press for each queue key, as aria-keyshortcuts writes it; empty when shortcuts are off."""
        if self.shortcuts == self.Shortcuts.OFF:
            return {}
        if self.shortcuts == self.Shortcuts.MODIFIER:
            return {key: f"Alt+Shift+{key.upper()}" for key in self.KEYS}
        return {key: key for key in self.KEYS}

    @classmethod
    def for_user(cls, user) -> "ModeratorPreferences":
        """The saved preferences, or the defaults (unsaved) for a moderator who never chose."""
        return cls.objects.filter(user=user).first() or cls(user=user)


class Report(models.Model):
    """A reader's report of a comment, to the moderators; open until a moderator decides the comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off-topic"
        PERSONAL = "personal", "Personal information about someone"
        ILLEGAL = "illegal", "Illegal content"

    comment = models.ForeignKey("discussion.Comment", on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=12, choices=Reason)
    explanation = models.TextField(blank=True)
    # Only for mail about the report: a confirmation and, for illegal content, the decision.
    reporter_email = models.EmailField(blank=True)
    reporter_ip = models.GenericIPAddressField(null=True, blank=True)
    # Reports from addresses with approved comments weigh more in the queue's order.
    weight = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution = models.CharField(max_length=20, blank=True, help_text="The comment's status when decided.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["comment", "resolved_at"])]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class Statement(models.Model):
    """A statement of reasons mailed to a comment's author after a removal, with one appeal.

    (What the EU Digital Services Act asks of hosting services; optional: a moderator chooses to
    send one.) Open appeals are those appealed and not yet decided.
    """

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Removal upheld"
        REINSTATED = "reinstated", "Comment reinstated"

    comment = models.ForeignKey("discussion.Comment", on_delete=models.CASCADE, related_name="statements")
    rule = models.CharField(max_length=300)
    explanation = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    appeal_text = models.TextField(blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome, blank=True)
    outcome_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appealed_at", "pk"]

    def __str__(self):
        return f"statement on comment {self.comment_id}"


class ThresholdFit(models.Model):
    """One fit of the filter's thresholds to the error budget (see error_budget.py); the newest is shown."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decisions = models.PositiveIntegerField(help_text="Moderators' decisions the fit read.")
    spam_decisions = models.PositiveIntegerField()
    decided_from = models.DateTimeField(null=True, blank=True)
    decided_until = models.DateTimeField(null=True, blank=True)
    scored = models.PositiveIntegerField(
        default=0, help_text="Newer decisions scored by a filter trained on older ones."
    )
    scored_spam = models.PositiveIntegerField(default=0)
    budget_spam_published = models.FloatField()
    budget_good_caught = models.FloatField()
    spam_threshold = models.FloatField(null=True, blank=True)
    ham_threshold = models.FloatField(null=True, blank=True)
    auto_share = models.FloatField(null=True, blank=True)
    spam_published = models.FloatField(null=True, blank=True)
    spam_published_upper = models.FloatField(null=True, blank=True)
    good_caught = models.FloatField(null=True, blank=True)
    good_caught_upper = models.FloatField(null=True, blank=True)
    applied = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Threshold fit of {self.created_at:%Y-%m-%d %H:%M} on {self.decisions} decisions"

    @property
    def is_fitted(self) -> bool:
        return self.spam_threshold is not None

    # Shares are stored as fractions; the policy page shows percentages.
    spam_published_percent = property(lambda self: _percent(self.spam_published))
    spam_published_upper_percent = property(lambda self: _percent(self.spam_published_upper))
    good_caught_percent = property(lambda self: _percent(self.good_caught))
    good_caught_upper_percent = property(lambda self: _percent(self.good_caught_upper))
    auto_share_percent = property(lambda self: _percent(self.auto_share))


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100
