"""Telling the shared cache in front of the app (Varnish, Fastly, Cloudflare) to drop pages by key.

Anonymous pages carry their purge keys (core/page_cache.py: "site", plus "lists" or
"post-<id>"); page_cache.bump() calls purge() with the key of what changed, after the commit.
COMMENTARIAT_PURGER picks the purger: none (default), varnish, fastly or cloudflare.

A purge never raises: the change is committed, and a cache that could not be told serves the
old page until s-maxage runs out (COMMENTARIAT_SHARED_CACHE_SECONDS). Failures are logged. The
request is sent at once, with a short timeout, so that a comment is visible through the cache
when its POST returns.
"""

import json
import logging
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def send(request: PurgeRequest, *, timeout: float) -> int:
    """Send one purge request; its HTTP status (urllib raises on 4xx/5xx and network errors)."""
    sent = urllib.request.Request(
        request.url, data=request.body or None, headers=request.headers, method=request.method
    )
    with urllib.request.urlopen(sent, timeout=timeout) as answer:  # noqa: S310 (URLs from settings)
        return answer.status


class Purger:
    """Drops every cached page carrying one of the keys. Subclasses say which requests do it."""

    timeout = 5.0

    def requests(self, keys: list[str]) -> list[PurgeRequest]:
        return []

    def purge(self, keys: list[str]) -> None:
        for request in self.requests(keys):
            try:
                send(request, timeout=self.timeout)
            except Exception as error:  # logged, never raised: the change is committed
                logger.warning("Purge of %s through %s failed: %s", " ".join(keys), _where(request), error)


class NoPurger(Purger):
    """No shared cache in front: nothing to tell."""


class VarnishPurger(Purger):
    """`PURGE /` with `xkey-purge: <keys>` to each Varnish (vmod xkey; docs/deployment.md's VCL
    accepts it only from the addresses in its `purgers` ACL)."""

    timeout = 2.0

    def __init__(self, urls: list[str]):
        self.urls = [url.rstrip("/") for url in urls]

    def requests(self, keys):
        return [PurgeRequest("PURGE", f"{url}/", {"xkey-purge": " ".join(keys)}) for url in self.urls]


class FastlyPurger(Purger):
    """Fastly's batch purge by surrogate key: POST /service/<id>/purge, keys in `Surrogate-Key`."""

    def __init__(self, service_id: str, api_token: str, api_url: str = "https://api.fastly.com"):
        self.service_id, self.api_token, self.api_url = service_id, api_token, api_url.rstrip("/")

    def requests(self, keys):
        headers = {
            "Fastly-Key": self.api_token,
            "Surrogate-Key": " ".join(keys),
            "Accept": "application/json",
        }
        return [PurgeRequest("POST", f"{self.api_url}/service/{self.service_id}/purge", headers)]


class CloudflarePurger(Purger):
    """Cloudflare's purge by cache tag (the `Cache-Tag` header pages carry): POST
    /client/v4/zones/<zone>/purge_cache with `{"tags": [...]}`."""

    def __init__(self, zone_id: str, api_token: str, api_url: str = "https://api.cloudflare.com"):
        self.zone_id, self.api_token, self.api_url = zone_id, api_token, api_url.rstrip("/")

    def requests(self, keys):
        headers = {"Authorization": f"Bearer {self.api_token}", "Content-Type": "application/json"}
        body = json.dumps({"tags": list(keys)}).encode()
        return [
            PurgeRequest("POST", f"{self.api_url}/client/v4/zones/{self.zone_id}/purge_cache", headers, body)
        ]


def configured() -> Purger:
    """The purger the settings name (built once; rebuilt when tests change the settings)."""
    purger = _current["purger"]
    if purger is None:
        purger = _current["purger"] = _build(settings.COMMENTARIAT)
    return purger


def _build(config: dict) -> Purger:
    kind = config.get("PURGER", "none")
    if kind == "varnish":
        return VarnishPurger(config["VARNISH_URLS"])
    if kind == "fastly":
        return FastlyPurger(config["FASTLY_SERVICE_ID"], config["FASTLY_API_TOKEN"])
    if kind == "cloudflare":
        return CloudflarePurger(config["CLOUDFLARE_ZONE_ID"], config["CLOUDFLARE_API_TOKEN"])
    if kind in ("none", ""):
        return NoPurger()
    raise ValueError(f"COMMENTARIAT_PURGER must be none, varnish, fastly or cloudflare, not {kind!r}")


def purge(keys: list[str]) -> None:
    """Drop the pages carrying these keys from the shared cache, if there is one."""
    configured().purge(keys)


_current: dict = {"purger": None}


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting == "COMMENTARIAT":
        _current["purger"] = None


def _where(request: PurgeRequest) -> str:
    # The host only: a path may hold an account's id, and headers its token.
    return request.url.split("/")[2] if "//" in request.url else request.url
