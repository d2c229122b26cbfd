"""What the API says. Every output lists its fields one by one: an email can never slip in."""

from datetime import datetime

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


class ErrorOut(Schema):
    error: ErrorDetail


class PostOut(Schema):
    id: int
    title: str
    slug: str
    url: str
    excerpt: str
    author_name: str
    published_at: datetime
    comment_count: int
    comments_open: bool
    categories: list[str]
    tags: list[str]


class PostDetailOut(PostOut):
    body_html: str


class PostPage(Schema):
    items: list[PostOut]
    page: int
    pages: int
    count: int


class CommentOut(Schema):
    id: int
    number: str
    parent_id: int | None
    removed: bool  # a placeholder kept so that its replies keep their place
    is_pick: bool = Field(description="An editors' pick.")
    author_name: str
    author_url: str
    body_html: str
    published_at: datetime | None
    url: str
    replies: list["CommentOut"]


class ThreadOut(Schema):
    post_id: int
    comment_count: int
    moderation_note: str = Field(description="The moderators' public note on this discussion, or empty.")
    page: int
    pages: int
    comments: list[CommentOut]


class CommentIn(Schema):
    author_name: str = Field(max_length=200)
    author_email: str = Field(max_length=254)
    author_url: str = Field("", max_length=500)
    body: str = Field(max_length=100_000)
    parent_id: int | None = None


class SubmittedOut(Schema):
    id: int
    status: str  # "published" or "awaiting_moderation"
    number: str
    url: str
    message: str


class QueueReportOut(Schema):
    reason: str
    explanation: str
    created_at: datetime


class QueueItemOut(Schema):
    id: int
    post_id: int
    post_title: str
    status: str
    status_reason: str
    spam_score: float | None
    author_name: str
    author_email: str  # staff only: the moderation endpoints need it to decide
    author_url: str
    ip_address: str | None
    body: str
    created_at: datetime
    version: int = Field(
        description="The comment's state version: send it back as seen_version with a decision."
    )
    report_weight: int = Field(0, description="The total weight of readers' open reports (0: none).")
    reports: list[QueueReportOut] = Field(default_factory=list, description="Readers' open reports, oldest first.")


class DecisionIn(Schema):
    decision: str = Field(pattern="^(approve|spam|remove|hold)$")
    reason: str = Field("", max_length=300)
    seen_version: int | None = Field(
        None,
        ge=0,
        le=2**31,
        strict=True,
        description="The version you decided on (from the queue); a changed comment answers 409.",
    )
    force: bool = Field(False, description="Decide even if the comment changed since seen_version.")


class DecisionOut(Schema):
    id: int
    status: str
    action_id: int
    version: int


class BanIn(Schema):
    kind: str = Field("ban", pattern="^(ban|suspend|hold)$")
    email: str = Field("", max_length=254)
    ip_network: str = Field("", max_length=50)
    name: str = Field("", max_length=200)
    reason: str = Field(min_length=1, max_length=300)
    days: int | None = Field(None, ge=1, le=3650)


class BanOut(Schema):
    id: int
    kind: str
    email: str
    ip_network: str
    name: str
    expires_at: datetime | None


# The moderation dashboard (moderation/dashboard.py): days and times are ISO 8601 text, durations seconds.


class DashboardWindowOut(Schema):
    days: int
    first_day: str
    last_day: str


class QueueDayOut(Schema):
    day: str
    size: int = Field(description="Comments waiting for review at the end of the day (now, for today).")
    oldest_waiting_seconds: int | None


class QueueHistoryOut(Schema):
    days: list[QueueDayOut]
    size_now: int
    oldest_now_seconds: int | None


class WaitBucketOut(Schema):
    label: str
    comments: int


class TimeToDecisionOut(Schema):
    decided: int
    decided_automatically: int
    held_decided: int
    p50_seconds: int | None = Field(description="Created to first decision; automatic decisions count as 0.")
    p90_seconds: int | None
    held_p50_seconds: int | None = Field(description="The same, for comments held for review only.")
    held_p90_seconds: int | None
    buckets: list[WaitBucketOut]


class AutomaticDayOut(Schema):
    day: str
    automatic: int
    held: int
    share: float | None


class AutomaticOut(Schema):
    automatic: int
    held: int
    share: float | None
    days: list[AutomaticDayOut]


class SpamFilterQualityOut(Schema):
    said_spam: int
    said_fine: int
    true_positives: int
    false_positives: int = Field(description="Sent to spam by the filter, approved by a moderator later.")
    false_negatives: int = Field(description="Approved by the filter, marked spam by a moderator later.")
    precision: float | None
    recall: float | None


class RefusalReasonOut(Schema):
    reason: str
    label: str
    comments: int


class RefusalsOut(Schema):
    days: int
    total: int
    reasons: list[RefusalReasonOut]


class ModeratorActionsOut(Schema):
    name: str
    actions: int
    approve: int
    spam: int
    remove: int
    other: int


class ReportReasonOut(Schema):
    reason: str
    label: str
    reports: int
    open: int


class ReportsOut(Schema):
    total: int
    open: int
    reasons: list[ReportReasonOut]


class AppealsOut(Schema):
    statements: int = Field(description="Statements of reasons mailed to authors of removed comments.")
    appeals: int
    open: int
    upheld: int
    reinstated: int


class DashboardOut(Schema):
    generated_at: str
    window: DashboardWindowOut
    queue: QueueHistoryOut
    time_to_decision: TimeToDecisionOut
    automatic: AutomaticOut
    spam_filter: SpamFilterQualityOut
    refusals: RefusalsOut
    moderators: list[ModeratorActionsOut]
    reports: ReportsOut
    appeals: AppealsOut
