"""Full-text search over posts and comments: SQLite FTS5 on the default database, PostgreSQL
full text on the scale path, behind one function. Only what anyone may see is found: the
condition is compiled from Post.objects.public() and Comment.objects.public(), the one
definition of visibility, into the raw SQL below."""

import html
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

from .query import fts5_query, parse_query, tsquery_parts

# Snippet markers: characters no text contains, replaced with <mark> after escaping.
_OPEN, _CLOSE = "\x02", "\x03"


@dataclass
class Hit:
    id: int
    title: str  # the post's title (for a comment: the post it is on)
    snippet_html: str  # escaped text with <mark> around the matches
    published_at: datetime
    post_id: int
    author_name: str = ""
    number: str = ""


@dataclass
class Results:
    hits: list[Hit]
    total: int


def search(kind: str, text: str, *, page: int = 1, per_page: int = 10) -> Results:
    """kind: "posts" or "comments". Any text gives results or none, never an error."""
    terms = parse_query(text)
    if not terms:
        return Results([], 0)
    offset = (max(page, 1) - 1) * per_page
    if connection.vendor == "postgresql":
        return _postgresql(kind, terms, per_page, offset)
    return _sqlite(kind, fts5_query(terms), per_page, offset)


def mark(snippet: str) -> str:
    return html.escape(snippet).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def _visible(kind: str) -> tuple[str, list]:
    """The WHERE condition of what anyone may see, compiled from the querysets that define it;
    it names the tables "discussion_comment" and "publishing_post" as the joins below do."""
    if kind == "comments":
        queryset = Comment.objects.public().exclude(number="")
    else:
        queryset = Post.objects.public().on_this_site()
    compiler = queryset.query.get_compiler(connection=connection)
    compiler.setup_query()
    sql, params = compiler.compile(queryset.query.where)
    return sql, list(params)


# The full-text table drives every join (CROSS JOIN keeps SQLite from starting at the posts and
# testing each against the index); snippets are made for the page's rows only.
_SQLITE_POSTS = """
    FROM search_post_fts f CROSS JOIN publishing_post ON publishing_post.id = f.rowid
    WHERE search_post_fts MATCH %s AND {visible}
"""
_SQLITE_COMMENTS = """
    FROM search_comment_fts f CROSS JOIN discussion_comment ON discussion_comment.id = f.rowid
    CROSS JOIN publishing_post ON publishing_post.id = discussion_comment.post_id
    WHERE search_comment_fts MATCH %s AND {visible}
"""


def _sqlite(kind: str, match: str, limit: int, offset: int) -> Results:
    comments = kind == "comments"
    table, column, words = ("search_comment_fts", 1, 24) if comments else ("search_post_fts", 1, 30)
    visible, visible_params = _visible(kind)
    where = (_SQLITE_COMMENTS if comments else _SQLITE_POSTS).format(visible=visible)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {where}", [match, *visible_params])
        total = cursor.fetchone()[0]
        if comments:
            cursor.execute(
                f"""SELECT discussion_comment.id, publishing_post.title, discussion_comment.published_at,
                           publishing_post.id, discussion_comment.author_name, discussion_comment.number
                    {where} ORDER BY f.rank LIMIT %s OFFSET %s""",
                [match, *visible_params, limit, offset],
            )
        else:
            cursor.execute(
                f"""SELECT publishing_post.id, publishing_post.title, publishing_post.published_at,
                           publishing_post.id {where}
                    ORDER BY f.rank LIMIT %s OFFSET %s""",
                [match, *visible_params, limit, offset],
            )
        rows = cursor.fetchall()
        snippets = {}
        if rows:
            ids = [row[0] for row in rows]
            cursor.execute(
                f"""SELECT rowid, snippet({table}, {column}, %s, %s, '…', {words}) FROM {table}
                    WHERE {table} MATCH %s AND rowid IN ({", ".join(["%s"] * len(ids))})""",
                [_OPEN, _CLOSE, match, *ids],
            )
            snippets = dict(cursor.fetchall())
    hits = [
        Hit(row[0], row[1], mark(snippets.get(row[0], "")), _sqlite_datetime(row[2]), row[3], *row[4:])
        for row in rows
    ]
    return Results(hits, total)


def _sqlite_datetime(value):
    if value is None or isinstance(value, datetime):
        return value
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value)
    return timezone.make_aware(parsed, timezone.UTC) if parsed and timezone.is_naive(parsed) else parsed


_PG_POST_VECTOR = "publishing_post.search_vector"
_PG_COMMENT_VECTOR = "discussion_comment.search_vector"


def _postgresql(kind: str, terms, limit: int, offset: int) -> Results:
    parts = tsquery_parts(terms)
    if not parts:
        return Results([], 0)
    query_sql = " && ".join(f"{function}('english'::regconfig, %s)" for function, _ in parts)
    query_args = [argument for _, argument in parts]
    visible, visible_params = _visible(kind)
    options = (
        f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=…"
    )
    with connection.cursor() as cursor:
        if kind == "comments":
            where = f"""FROM discussion_comment
                JOIN publishing_post ON publishing_post.id = discussion_comment.post_id, (SELECT {query_sql}) AS q(query)
                WHERE {_PG_COMMENT_VECTOR} @@ q.query AND {visible}"""
            cursor.execute(f"SELECT count(*) {where}", [*query_args, *visible_params])
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT id, title, ts_headline('english'::regconfig, body, query, %s), published_at, post_id,
                           author_name, number
                    FROM (SELECT discussion_comment.id, publishing_post.title, discussion_comment.body, q.query,
                                 discussion_comment.published_at, publishing_post.id AS post_id,
                                 discussion_comment.author_name, discussion_comment.number,
                                 ts_rank_cd({_PG_COMMENT_VECTOR}, q.query) AS rank
                          {where} ORDER BY rank DESC, discussion_comment.id DESC LIMIT %s OFFSET %s) AS found
                    ORDER BY rank DESC, id DESC""",
                [options, *query_args, *visible_params, limit, offset],
            )
        else:
            where = f"""FROM publishing_post, (SELECT {query_sql}) AS q(query)
                WHERE {_PG_POST_VECTOR} @@ q.query AND {visible}"""
            cursor.execute(f"SELECT count(*) {where}", [*query_args, *visible_params])
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT id, title, ts_headline('english'::regconfig, search_text, query, %s), published_at, id
                    FROM (SELECT publishing_post.id, publishing_post.title, publishing_post.search_text, q.query,
                                 publishing_post.published_at, ts_rank_cd({_PG_POST_VECTOR}, q.query) AS rank
                          {where} ORDER BY rank DESC, publishing_post.published_at DESC LIMIT %s OFFSET %s) AS found
                    ORDER BY rank DESC, published_at DESC""",
                [options, *query_args, *visible_params, limit, offset],
            )
        rows = cursor.fetchall()
    return Results([Hit(row[0], row[1], mark(row[2]), row[3], row[4], *row[5:]) for row in rows], total)
