"""Purgers: the exact requests each shared cache gets, recorded by a local fake server, and the
purge that follows a change once it commits."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from commentariat.core import purgers
from commentariat.core.purgers import CloudflarePurger, FastlyPurger, VarnishPurger
from tests.factories import make_comment


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with the status the test set, and records what came."""

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": self.rfile.read(length) if length else b"",
            }
        )
        self.send_response(self.server.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_PURGE = do_POST = do_GET = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.received, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_varnish_gets_purge_by_xkey_at_each_address(fake_server):
    VarnishPurger([fake_server.url, fake_server.url + "/"]).purge(["site", "post-12"])
    assert [(r["method"], r["path"], r["headers"]["xkey-purge"]) for r in fake_server.received] == [
        ("PURGE", "/", "site post-12"),
        ("PURGE", "/", "site post-12"),
    ]


def test_fastly_gets_a_batch_purge_by_surrogate_key(fake_server):
    FastlyPurger("SVC123", "fastly-token", api_url=fake_server.url).purge(["post-12", "lists"])
    (request,) = fake_server.received
    assert (request["method"], request["path"]) == ("POST", "/service/SVC123/purge")
    assert request["headers"]["fastly-key"] == "fastly-token"
    assert request["headers"]["surrogate-key"] == "post-12 lists"
    assert request["body"] == b""


def test_fastly_and_cloudflare_are_addressed_at_their_apis():
    (fastly,) = FastlyPurger("SVC123", "t").requests(["site"])
    assert (fastly.method, fastly.url) == ("POST", "https://api.fastly.com/service/SVC123/purge")
    (cloudflare,) = CloudflarePurger("ZONE9", "t").requests(["site"])
    assert (cloudflare.method, cloudflare.url) == (
        "POST",
        "https://api.cloudflare.com/client/v4/zones/ZONE9/purge_cache",
    )


def test_cloudflare_gets_a_purge_by_cache_tags(fake_server):
    CloudflarePurger("ZONE9", "cf-token", api_url=fake_server.url).purge(["site", "post-3"])
    (request,) = fake_server.received
    assert (request["method"], request["path"]) == ("POST", "/client/v4/zones/ZONE9/purge_cache")
    assert request["headers"]["authorization"] == "Bearer cf-token"
    assert request["headers"]["content-type"] == "application/json"
    assert json.loads(request["body"]) == {"tags": ["site", "post-3"]}


def test_a_failing_cache_is_logged_never_raised(fake_server, caplog):
    fake_server.status = 403  # e.g. the VCL's purgers ACL does not list this app server
    VarnishPurger([fake_server.url]).purge(["site"])
    VarnishPurger(["http://127.0.0.1:1"]).purge(["site"])  # nothing listens there
    assert len(fake_server.received) == 1
    failures = [r for r in caplog.records if r.name == "commentariat.core.purgers"]
    assert len(failures) == 2 and all("Purge of site" in r.getMessage() for r in failures)


def test_the_setting_picks_the_purger(settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PURGER": "none"}
    assert isinstance(purgers.configured(), purgers.NoPurger)
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PURGER": "varnish", "VARNISH_URLS": ["http://v:6081"]}
    assert purgers.configured().urls == ["http://v:6081"]
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PURGER": "akamai"}
    with pytest.raises(ValueError, match="none, varnish, fastly or cloudflare"):
        purgers.configured()


@pytest.mark.django_db
def test_a_new_comment_purges_its_post_and_the_lists(fake_server, settings, post):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PURGER": "varnish", "VARNISH_URLS": [fake_server.url]}
    Client().get(post.get_absolute_url())
    make_comment(post, body="Seen through the cache at once.")
    keys = [request["headers"]["xkey-purge"] for request in fake_server.received]
    assert f"post-{post.pk} lists" in keys  # one request for both


@pytest.mark.real_commit
@pytest.mark.django_db(transaction=True)
def test_the_purge_waits_for_the_commit_and_follows_the_version_bump(
    fake_server, settings, post, monkeypatch
):
    from django.db import transaction

    from commentariat.core import page_cache

    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PURGER": "varnish", "VARNISH_URLS": [fake_server.url]}
    seen_at_purge = []
    original = purgers.VarnishPurger.purge

    def purge_and_note(self, keys):
        seen_at_purge.append(page_cache.scope_version(f"post:{post.pk}"))
        original(self, keys)

    before = page_cache.scope_version(f"post:{post.pk}")
    monkeypatch.setattr(purgers.VarnishPurger, "purge", purge_and_note)
    with transaction.atomic():
        make_comment(post, body="Committed first, purged after.")
        assert fake_server.received == []  # nothing before the commit
    assert f"post-{post.pk} lists" in [request["headers"]["xkey-purge"] for request in fake_server.received]
    assert seen_at_purge and seen_at_purge[0] != before  # the version moved before the purge
