"""Full-text indexes kept in sync by the database itself.

SQLite: FTS5 tables over the posts' and comments' own columns ("external content"), with
triggers on insert, delete and a change of the indexed columns, so that every way of writing
a row (the ORM, an import's bulk insert) keeps the index exact. PostgreSQL: a generated
tsvector column on each table (the models do not know it: the database computes it on every
write) with a GIN index.
"""

from django.db import migrations

SQLITE = [
    # Posts: title and plain-text body.
    """CREATE VIRTUAL TABLE search_post_fts USING fts5(
        title, search_text, content='publishing_post', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    # Titles weigh five times the body in the ranking.
    "INSERT INTO search_post_fts(search_post_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)')",
    """CREATE TRIGGER search_post_ai AFTER INSERT ON publishing_post BEGIN
        INSERT INTO search_post_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
    END""",
    """CREATE TRIGGER search_post_ad AFTER DELETE ON publishing_post BEGIN
        INSERT INTO search_post_fts(search_post_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    END""",
    """CREATE TRIGGER search_post_au AFTER UPDATE OF title, search_text ON publishing_post BEGIN
        INSERT INTO search_post_fts(search_post_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO search_post_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
    END""",
    "INSERT INTO search_post_fts(search_post_fts) VALUES ('rebuild')",
    # Comments: the commenter's name and the text.
    """CREATE VIRTUAL TABLE search_comment_fts USING fts5(
        author_name, body, content='discussion_comment', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    "INSERT INTO search_comment_fts(search_comment_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)')",
    """CREATE TRIGGER search_comment_ai AFTER INSERT ON discussion_comment BEGIN
        INSERT INTO search_comment_fts(rowid, author_name, body) VALUES (new.id, new.author_name, new.body);
    END""",
    """CREATE TRIGGER search_comment_ad AFTER DELETE ON discussion_comment BEGIN
        INSERT INTO search_comment_fts(search_comment_fts, rowid, author_name, body)
        VALUES ('delete', old.id, old.author_name, old.body);
    END""",
    """CREATE TRIGGER search_comment_au AFTER UPDATE OF author_name, body ON discussion_comment BEGIN
        INSERT INTO search_comment_fts(search_comment_fts, rowid, author_name, body)
        VALUES ('delete', old.id, old.author_name, old.body);
        INSERT INTO search_comment_fts(rowid, author_name, body) VALUES (new.id, new.author_name, new.body);
    END""",
    "INSERT INTO search_comment_fts(search_comment_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_post_ai", "DROP TRIGGER IF EXISTS search_post_ad",
    "DROP TRIGGER IF EXISTS search_post_au", "DROP TABLE IF EXISTS search_post_fts",
    "DROP TRIGGER IF EXISTS search_comment_ai", "DROP TRIGGER IF EXISTS search_comment_ad",
    "DROP TRIGGER IF EXISTS search_comment_au", "DROP TABLE IF EXISTS search_comment_fts",
]  # fmt: skip
POSTGRESQL = [
    """ALTER TABLE publishing_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'B')) STORED""",
    "CREATE INDEX search_post_vector ON publishing_post USING gin (search_vector)",
    """ALTER TABLE discussion_comment ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(author_name, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')) STORED""",
    "CREATE INDEX search_comment_vector ON discussion_comment USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE publishing_post DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE discussion_comment DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0004_post_search_text"),
        ("discussion", "0004_comment_kind_and_body_format"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
