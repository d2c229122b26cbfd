"""The several-machines set-up of docs/deployment.md as readers meet it: Varnish running the
documented VCL in front of two app servers (`commentariat serve`) on one PostgreSQL and one Redis.

Runs in the PostgreSQL + Redis pass of .ci/run, which installs Varnish and sets
COMMENTARIAT_REQUIRE_VARNISH so that a missing varnishd fails instead of skipping."""

import os
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.operator import commentariat, free_port, fresh_postgresql_database, served
from tests.varnish import Browser, varnish, varnishd, vcl_for

POST = "/2026/11/why-we-number-our-comments/"
OTHER_POST = "/2026/11/library-levy-and-trust/"
STAFF_ONLY = "Quote in a new post"  # under every approved comment, for staff
AWAITING = "Your comment is awaiting moderation."

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason="several app servers share PostgreSQL and Redis: runs in the PostgreSQL + Redis pass of .ci/run",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Varnish's base URL, in front of two app servers with data dirs of their own."""
    if varnishd() is None:
        if os.environ.get("COMMENTARIAT_REQUIRE_VARNISH"):
            pytest.fail("varnishd is not installed (make varnish installs it)")
        pytest.skip("varnishd is not installed (make varnish installs it, as root)")
    work = tmp_path_factory.mktemp("behind-varnish")
    varnish_port = free_port()
    with fresh_postgresql_database("commentariat_varnish") as database_url:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": os.environ["REDIS_URL"],
            "COMMENTARIAT_SECRET_KEY": secrets.token_urlsafe(50),  # the same on every machine
            "COMMENTARIAT_PROXY_COUNT": "1",  # Varnish appends the reader's address
            "COMMENTARIAT_PURGER": "varnish",
            "COMMENTARIAT_VARNISH_URLS": f"http://127.0.0.1:{varnish_port}",
            "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
            "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_first_time",
        }
        machines = [work / "app1", work / "app2"]
        with ThreadPoolExecutor(1) as beside:  # the static files need no database: collected meanwhile
            collected = beside.submit(commentariat, machines[0], "collectstatic", "--noinput", "-v0", extra_env=env)
            commentariat(machines[1], "migrate", "--noinput", "-v0", extra_env=env)
            commentariat(machines[1], "load-demo-site", extra_env=env)
            commentariat(machines[1], "shell", "-c", "from django.contrib.auth import get_user_model; "
                         "get_user_model().objects.create_superuser('mod', 'mod@example.org', 'pw')", extra_env=env)  # fmt: skip
            collected.result()
        shutil.copytree(machines[0] / "static", machines[1] / "static")  # one release, shipped to each
        with served(machines[0], env) as app1, served(machines[1], env) as app2:
            vcl = vcl_for([app1, app2], purgers=["127.0.0.1"])
            with varnish(vcl, work / "varnish", varnish_port) as front:
                yield {"front": front, "app_servers": [app1, app2]}


def _anonymous(site) -> Browser:
    return Browser(site["front"])


def _purge_everything(site) -> None:
    assert Browser(site["front"]).request("PURGE", "/", headers={"xkey-purge": "site"}).status == 200


def _moderator(site) -> Browser:
    browser = Browser(site["front"])
    answer = browser.submit("/admin/login/?next=/moderation/", "/admin/login/?next=/moderation/",
                            {"username": "mod", "password": "pw"})  # fmt: skip
    assert answer.status == 200 and "sessionid" in browser.cookies
    return browser


def _comment(browser: Browser, path: str, email: str, body: str):
    return browser.submit(path, "comments/", {"author_name": "Reader", "author_email": email, "body": body})


def test_two_app_servers_behind_varnish_serve_the_site(site):
    reader = _anonymous(site)
    for path in ("/", POST, OTHER_POST, "/feed/", "/healthz"):
        for _ in range(2):  # round robin: one request to each app server
            answer = reader.get(path)
            assert answer.status == 200, path
    assert "Why we number our comments" in reader.get(POST).body


def test_anonymous_page_is_the_same_from_either_app_server_and_sets_no_cookie(site):
    public_host = {"Host": site["front"].removeprefix("http://")}  # as Varnish forwards it
    pages = [Browser(app).get(POST, headers=public_host) for app in site["app_servers"]]
    assert all(page.status == 200 and not page.headers.get_all("Set-Cookie") for page in pages)
    assert pages[0].body == pages[1].body
    assert "public" in pages[0].headers["Cache-Control"] and "s-maxage" in pages[0].headers["Cache-Control"]


def test_anonymous_page_is_served_from_varnish_on_the_second_request(site):
    _purge_everything(site)
    first, second = _anonymous(site).get(OTHER_POST), _anonymous(site).get(OTHER_POST)
    assert first.headers["X-Cache"] == "miss"
    assert second.from_cache and int(second.headers["Age"]) >= 0
    assert second.body == first.body
    assert not second.headers.get_all("Set-Cookie")
    assert "xkey" not in second.headers and "Surrogate-Key" not in second.headers


def test_cookies_of_anonymous_readers_are_stripped_so_they_share_the_cached_page(site):
    _anonymous(site).get(OTHER_POST)
    with_cookies = Browser(site["front"], cookies={"_ga": "GA1.2.3", "csrftoken": "x" * 32, "theme": "dark"})
    answer = with_cookies.get(OTHER_POST)
    assert answer.from_cache
    assert not answer.headers.get_all("Set-Cookie")


def test_new_approved_comment_is_visible_through_varnish_at_once(site):
    _anonymous(site).get(POST)
    assert _anonymous(site).get(POST).from_cache  # the page readers are served is Varnish's copy
    author = _anonymous(site)
    own_view = _comment(author, POST, "ruth@example.com", "Seen by everyone at once, through Varnish.")
    assert own_view.status == 200 and "Seen by everyone at once" in own_view.body
    assert AWAITING not in own_view.body  # a returning commenter: approved on arrival
    shared = _anonymous(site).get(POST)
    assert "Seen by everyone at once" in shared.body
    assert "ruth@example.com" not in shared.body
    assert _anonymous(site).get(POST).from_cache  # cached again, with the comment


def test_held_comment_shows_to_its_author_and_to_no_one_else(site):
    _anonymous(site).get(POST)
    author = _anonymous(site)
    own_view = _comment(author, POST, "first-timer@example.org", "Held for a first-time commenter.")
    assert own_view.status == 200
    assert "Held for a first-time commenter." in own_view.body and AWAITING in own_view.body
    assert own_view.headers["X-Cache"] == "pass"  # a personal cookie: never the shared page
    assert "Held for a first-time commenter." in author.get(POST).body
    for _ in range(2):
        assert "Held for a first-time commenter." not in _anonymous(site).get(POST).body


def test_logged_in_moderator_never_gets_the_shared_page(site):
    _anonymous(site).get(POST)
    _anonymous(site).get(POST)  # stored, if the page can be
    moderator = _moderator(site)
    answer = moderator.get(POST)
    assert answer.headers["X-Cache"] == "pass"
    assert STAFF_ONLY in answer.body


def test_logged_in_moderators_page_never_reaches_anonymous_readers(site):
    _purge_everything(site)
    moderator = _moderator(site)
    assert STAFF_ONLY in moderator.get(OTHER_POST).body  # the first request for the page since the purge
    for _ in range(2):
        answer = _anonymous(site).get(OTHER_POST)
        assert answer.status == 200 and STAFF_ONLY not in answer.body
        assert "sessionid" not in (answer.headers.get("Set-Cookie") or "")


def test_purge_from_an_address_outside_the_acl_is_refused(site):
    outsider = Browser(site["front"], source_address="127.0.0.2")
    assert outsider.request("PURGE", "/", headers={"xkey-purge": "site"}).status == 403
    assert outsider.request("PURGE", "/", headers={"xkey-purge": f"post-1 lists"}).status == 403
    insider = Browser(site["front"])
    assert insider.request("PURGE", "/", headers={"xkey-purge": "site"}).status == 200
    assert insider.request("PURGE", "/").status == 400  # which keys, then?
