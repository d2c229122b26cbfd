"""`commentariat import-commento`: a site that ran Commento or Comentario brings its comments home."""

import gzip
import json

import pytest
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from tests.factories import make_post

from .conftest import run_command

pytestmark = pytest.mark.django_db

ADA, BO = "a1" * 32, "b2" * 32  # Commento's commenterHex: 64 hex digits


def commento_comment(
    hex_id, path, commenter, markdown, date, *, parent="root", state="approved", deleted=False
):
    """A comment as Commento's domain export writes it (api/comment.go)."""
    return {
        "commentHex": hex_id, "domain": "blog.example.org", "url": path, "commenterHex": commenter,
        "markdown": markdown, "html": "", "parentHex": parent, "score": 0, "state": state,
        "creationDate": date, "direction": 0, "deleted": deleted,
    }  # fmt: skip


def commento_export(path, post_path, *, state_of_held="unapproved"):
    data = {
        "version": 1,
        "comments": [
            commento_comment("c1", post_path, ADA, "Trams *now*.", "2021-03-12T11:21:56Z"),
            commento_comment("c2", post_path, BO, "Agreed.", "2021-03-12T12:00:00.722181Z", parent="c1"),
            commento_comment("c3", post_path, "anonymous", "From a guest.", "2021-03-13T09:00:00Z"),
            commento_comment("c4", post_path, BO, "Held for review.", "2021-03-14T09:00:00Z", state=state_of_held),
            commento_comment("c5", post_path, BO, "Cheap flights", "2021-03-15T09:00:00Z", state="flagged"),
            commento_comment("c6", post_path, ADA, "[deleted]", "2021-03-16T09:00:00Z", deleted=True),
            commento_comment("c7", post_path, BO, "To a deleted one.", "2021-03-17T09:00:00Z", parent="c6"),
            commento_comment("c8", "/elsewhere/", ADA, "Elsewhere.", "2021-03-18T09:00:00Z"),
        ],
        "commenters": [
            {"commenterHex": ADA, "email": "ada@readers.example", "name": "Ada Lane", "link": "https://ada.example",
             "photo": "undefined", "provider": "commento", "joinDate": "2021-03-01T10:00:00Z", "isModerator": False},
            {"commenterHex": BO, "email": "bo@readers.example", "name": "Bo", "link": "undefined",
             "photo": "undefined", "provider": "google", "joinDate": "2021-03-02T10:00:00Z", "isModerator": False},
        ],
    }  # fmt: skip
    path.write_bytes(gzip.compress(json.dumps(data).encode()))  # the dashboard sends it gzipped
    return path


@pytest.fixture
def post():
    return make_post(title="Tram lines", slug="tram-lines")


@pytest.fixture
def export(tmp_path, post):
    return commento_export(tmp_path / "commento-export.json.gz", post.get_absolute_url())


def test_commento_threads_come_in_under_their_pages_as_readers_saw_them(client, post, export):
    out = run_command("import_commento", export)
    assert "comments approved                         5" in out
    assert "comments pending                          1" in out
    assert "comments spam                             1" in out
    assert "comments removed                          1" in out

    page = client.get(post.get_absolute_url()).content.decode()
    for number in ("1", "1.1", "2", "3", "3.1"):
        assert f'aria-label="Comment {number}"' in page
    assert '<a href="https://ada.example" rel="nofollow ugc noopener"><bdi>Ada Lane</bdi></a>' in page
    assert "<bdi>Anonymous</bdi>" in page and "<em>now</em>" in page
    assert "Held for review" not in page and "Cheap flights" not in page and "[deleted]" not in page
    assert "readers.example" not in page and "undefined" not in page

    # The export names its domain, not its scheme: the old page's address is taken as https.
    elsewhere = client.get("/embed/thread", {"url": "https://blog.example.org/elsewhere/"}).json()
    assert [(c["number"], c["author_name"]) for c in elsewhere["comments"]] == [("1", "Ada Lane")]


def test_importing_a_commento_export_twice_changes_nothing_and_a_newer_one_updates(tmp_path, post, export):
    run_command("import_commento", export)
    before = list(Comment.objects.order_by("pk").values())
    assert "comments unchanged                        8" in run_command("import_commento", export)
    assert list(Comment.objects.order_by("pk").values()) == before

    newer = commento_export(tmp_path / "newer.json.gz", post.get_absolute_url(), state_of_held="approved")
    assert "comments updated                          1" in run_command("import_commento", newer)
    assert Comment.objects.get(body="Held for review.").number == "4"


def comentario_export(path, post_path):
    """Comentario's own export, version 3: pages, comments and commenters with UUIDs."""
    page, old_page, domain = "0e1f" * 8, "7a7b" * 8, "d0d0" * 8

    def uuid(n):
        return f"00000000-0000-4000-8000-{n:012d}"

    def comment(n, page_id, **fields):
        return {"id": uuid(n), "pageId": page_id, "score": 0, "isSticky": False, "isApproved": True,
                "isPending": False, "isDeleted": False, "createdTime": f"2023-12-0{n}T10:00:00.5+01:00",
                "userCreated": uuid(100), **fields}  # fmt: skip

    data = {
        "version": 3,
        "pages": [
            {"id": page, "domainId": domain, "path": post_path, "title": "Tram lines", "isReadonly": False},
            {"id": old_page, "domainId": domain, "path": "/gone/", "title": "Gone", "isReadonly": False},
        ],
        "comments": [
            comment(1, page, markdown="First, on **Comentario**."),
            comment(2, page, parentId=uuid(1), markdown="A guest replies.", userCreated="00000000-0000-0000-0000-000000000000", authorName="Guest Gil"),
            comment(3, page, markdown="Rejected text", isApproved=False),
            comment(4, page, markdown="Pending text", isApproved=False, isPending=True),
            comment(5, old_page, markdown="On a page that is gone."),
        ],
        "commenters": [{"id": uuid(100), "email": "cy@readers.example", "name": "Cy", "websiteUrl": "",
                        "hasAvatar": False, "isModerator": False, "isCommenter": True}],
    }  # fmt: skip
    path.write_text(json.dumps(data))
    return path


def test_a_comentario_export_comes_in_too_and_a_page_known_only_by_path_needs_the_sites_address(
    client, tmp_path, post
):
    export = comentario_export(tmp_path / "comentario.json", post.get_absolute_url())
    out = run_command("import_commento", export)
    assert "thread /gone/: no post at this address (give --site-url" in out
    assert (
        "comments removed                          1" in out
        and "comments pending                          1" in out
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'aria-label="Comment 1.1"' in page and "<bdi>Guest Gil</bdi>" in page
    assert "<strong>Comentario</strong>" in page
    assert "Rejected text" not in page and "Pending text" not in page and "readers.example" not in page

    run_command("import_commento", export, "--site-url", "https://old.example.net")
    gone = client.get("/embed/thread", {"url": "https://old.example.net/gone/"}).json()
    assert [c["author_name"] for c in gone["comments"]] == ["Cy"]
    assert Post.objects.get(kind=Post.Kind.EMBEDDED).title == "Gone"


def test_a_file_that_is_not_a_commento_export_is_refused_and_nothing_is_imported(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('{"version": 1, "comments": [}')
    with pytest.raises(
        CommandError,
        match=r"it is not valid JSON, so not a Commento or Comentario export: .*\(line 1, column 29\)",
    ):
        run_command("import_commento", path)
    path.write_text('{"version": 2, "comments": []}')
    with pytest.raises(CommandError, match=r"an export of version 2; this import reads versions 1 and 3"):
        run_command("import_commento", path)
    path.write_text("[]")
    with pytest.raises(CommandError, match=r'no "comments" list in it'):
        run_command("import_commento", path)
    path.write_text('{"version": 1, "comments": [], "commenters": []}')
    with pytest.raises(CommandError, match=r"Nothing was imported from .*export.json: it holds no comments"):
        run_command("import_commento", path)
    assert not Comment.objects.exists()
