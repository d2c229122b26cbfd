"""A page of a post's thread, as readers see it.

Pages hold a fixed range of top-level numbers (1–100, 101–200, …), so a page's
address keeps showing the same comments however the thread grows.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q

from commentariat.publishing.models import Post

from . import visibility
from .models import NUMBERED, Comment

# What the page needs; the email and the raw text stay in the database.
_PAGE_FIELDS = (
    "id",
    "post_id",
    "parent_id",
    "status",
    "kind",
    "author_name",
    "author_url",
    "body_html",
    "number",
    "depth",
    "root_sequence",
    "sort_key",
    "created_at",
    "published_at",
    "picked_at",
    "erased_at",
)


@dataclass(slots=True)
class ThreadComment:
    """A comment as the thread shows it: plain values, several times cheaper to build than a model."""

    id: int
    post_id: int
    parent_id: int | None
    status: str
    kind: str
    author_name: str
    author_url: str
    body_html: str
    number: str
    depth: int
    root_sequence: int | None
    sort_key: str
    created_at: object
    published_at: object
    picked_at: object = None
    erased_at: object = None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def anchor(self) -> str:
        return f"comment-{self.id}"

    @property
    def is_public(self) -> bool:
        return visibility.is_shown(self)


@dataclass
class ThreadNode:
    comment: "ThreadComment"
    children: list["ThreadNode"] = field(default_factory=list)
    is_placeholder: bool = False  # removed, kept so that its replies keep their place
    is_pending: bool = False  # held for review, shown to its author alone


# The orders a reader may choose; a comment's number never changes with the order.
ORDERS = {"oldest": "Oldest first", "newest": "Newest first", "replies": "Most replies"}


@dataclass(frozen=True, slots=True)
class ThreadCounts:
    """What a page of the thread counts, read in one query."""

    last_root_sequence: int  # the highest top-level number given (0: none yet)
    removed: int  # comments removed by the moderators
    latest_shown_id: int  # the newest comment the thread shows (0: none): where live updates start


@dataclass
class ThreadPage:
    nodes: list[ThreadNode]
    number: int
    num_pages: int
    order: str = "oldest"
    counts: ThreadCounts | None = None

    def query(self, page: int) -> str:
        """The query string of another page of the thread in this order ('' for the first, oldest)."""
        parts = [f"cpage={page}"] if page > 1 else []
        if self.order != "oldest":
            parts.append(f"order={self.order}")
        return "&".join(parts)

    @property
    def previous_query(self) -> str:
        return self.query(self.number - 1)

    @property
    def next_query(self) -> str:
        return self.query(self.number + 1)

    @property
    def orders(self) -> list[tuple[str, str, str]]:
        """(order, label, query of its first page) for the order links."""
        return [(key, label, f"order={key}" if key != "oldest" else "") for key, label in ORDERS.items()]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)

    def public_comments(self):
        """Every public comment on this page, in reading order."""
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            if not node.is_placeholder and not node.is_pending:
                yield node.comment
            stack.extend(reversed(node.children))


class PageOutOfRange(Exception):
    pass


def thread_counts(post: Post) -> ThreadCounts:
    # One aggregate instead of three: each query costs more in Django than in SQLite.
    found = Comment.objects.filter(post=post).aggregate(
        last=Max("root_sequence", filter=NUMBERED),
        removed=Count("pk", filter=Q(status=Comment.Status.REMOVED)),
        latest=Max("pk", filter=visibility.shown_condition()),
    )
    return ThreadCounts(found["last"] or 0, found["removed"], found["latest"] or 0)


def thread_page_count(counts: ThreadCounts) -> int:
    per_page = settings.COMMENTARIAT["COMMENTS_PER_PAGE"]
    return max(1, -(-counts.last_root_sequence // per_page))


def thread_page(
    post: Post, page_number: int = 1, *, order: str = "oldest", pending_ids=(), placeholder_ids=()
) -> ThreadPage:
    """Top-level comments of one page with their replies; raises PageOutOfRange.

    order: "oldest" (pages are fixed ranges of top-level numbers), "newest" (the same ranges from
    the end) or "replies" (top-level comments by how many replies they drew).
    pending_ids: comments held for review that this viewer wrote, shown to them alone.
    placeholder_ids: hidden comments to show as placeholders even without replies (the one a
    permalink asked for).
    """
    per_page = settings.COMMENTARIAT["COMMENTS_PER_PAGE"]
    counts = thread_counts(post)
    num_pages = thread_page_count(counts)
    if not 1 <= page_number <= num_pages or order not in ORDERS:
        raise PageOutOfRange(page_number)
    numbered = Comment.objects.numbered().filter(post=post)
    if order == "replies":
        roots = _roots_by_replies(numbered)[(page_number - 1) * per_page : page_number * per_page]
        rows = numbered.filter(root_sequence__in=roots)
    else:
        first = (page_number - 1) * per_page + 1
        if order == "newest":
            last = counts.last_root_sequence - (page_number - 1) * per_page
            first = max(1, last - per_page + 1)
        rows = numbered.filter(root_sequence__range=(first, first + per_page - 1))
        roots = None
    comments = [ThreadComment(*row) for row in rows.order_by("sort_key").values_list(*_PAGE_FIELDS)]
    pending = pending_for_viewer(post, pending_ids)
    # New top-level comments belong where the newest ones are shown.
    newest_page = 1 if order == "newest" else num_pages
    nodes = _build_tree(
        comments, pending, is_last_page=page_number == newest_page, keep=frozenset(placeholder_ids)
    )
    if order == "newest":
        nodes.sort(key=lambda node: -(node.comment.root_sequence or 10**9))
    elif roots is not None:
        place = {root: index for index, root in enumerate(roots)}
        nodes.sort(key=lambda node: place.get(node.comment.root_sequence, len(place)))
    return ThreadPage(nodes=nodes, number=page_number, num_pages=num_pages, order=order, counts=counts)


def _roots_by_replies(numbered) -> list[int]:
    """Top-level numbers, the most replied-to first (then in number order)."""
    counts = numbered.values("root_sequence").annotate(size=Count("id")).order_by("-size", "root_sequence")
    return [row["root_sequence"] for row in counts]


def pending_for_viewer(post: Post, pending_ids) -> list[ThreadComment]:
    if not pending_ids:
        return []
    rows = (
        Comment.objects.awaiting_moderation()
        .filter(post=post, pk__in=list(pending_ids))
        .order_by("created_at")
        .values_list(*_PAGE_FIELDS)
    )
    return [ThreadComment(*row) for row in rows]


def _build_tree(
    comments: list[ThreadComment], pending: list[ThreadComment], *, is_last_page: bool, keep=frozenset()
) -> list[ThreadNode]:
    nodes = {comment.pk: ThreadNode(comment) for comment in comments}
    roots: list[ThreadNode] = []
    for comment in comments:  # sort_key order: a parent always comes before its replies
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id)
        (parent.children if parent else roots).append(node)
    for comment in pending:
        node = ThreadNode(comment, is_pending=True)
        if comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(node)
        elif comment.parent_id is None and is_last_page:
            roots.append(node)
    return [node for node in roots if _keep(node, keep)]


def _keep(node: ThreadNode, keep=frozenset()) -> bool:
    """Drop hidden comments, unless a visible reply needs them as a placeholder (or it is asked for)."""
    node.children = [child for child in node.children if _keep(child, keep)]
    if node.is_pending or node.comment.is_public:
        return True
    node.is_placeholder = True
    return bool(node.children) or node.comment.id in keep
