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
