"""Live channels: small events, published once a change is committed, reach whoever listens.

A channel is a name ("post:<id>" for a thread's readers, "queue" for the moderators' queue);
an event is a small JSON-able dict, a hint that something changed, never the thing itself:
whoever receives it asks an endpoint that applies the usual visibility rules for the details,
so nothing private can travel through a channel.

Within one process, subscribers are queues in a registry. With REDIS_URL set, publish() goes
through Redis pub/sub and one listener thread per process hands every message to its local
subscribers, so a comment approved on one app server reaches readers connected to another.
Without Redis, events reach the subscribers of the publishing process; the SSE stream also
watches the page versions (shared by every process on the machine) to catch the others.
"""

import asyncio
import json
import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

_subscribers: dict[str, set["Subscription"]] = {}
_lock = threading.Lock()
_listener: dict = {"pid": None, "thread": None}


class Subscription:
    """One listener on a channel: events arrive in a queue, read by a thread (get) or, when made
    inside an event loop, by a coroutine (aget)."""

    def __init__(self, channel: str, *, loop: asyncio.AbstractEventLoop | None = None):
        self.channel = channel
        self._loop = loop
        self._queue: asyncio.Queue | queue.SimpleQueue = asyncio.Queue() if loop else queue.SimpleQueue()

    def deliver(self, event: dict) -> None:
        if self._loop is None:
            self._queue.put(event)
        else:
            try:
                self._loop.call_soon_threadsafe(self._queue.put_nowait, event)
            except RuntimeError:  # its loop has closed: the reader left
                pass

    def get(self, timeout: float) -> dict | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    async def aget(self, timeout: float) -> dict | None:
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None

    def close(self) -> None:
        with _lock:
            _subscribers.get(self.channel, set()).discard(self)


def subscribe(channel: str, *, asynchronous: bool = False) -> Subscription:
    """Listen to a channel; close() the subscription when done."""
    subscription = Subscription(channel, loop=asyncio.get_running_loop() if asynchronous else None)
    with _lock:
        _subscribers.setdefault(channel, set()).add(subscription)
    if _redis_url():
        _ensure_listener()
    return subscription


def subscriber_count(channel: str | None = None) -> int:
    with _lock:
        if channel is not None:
            return len(_subscribers.get(channel, ()))
        return sum(len(found) for found in _subscribers.values())


def publish(channel: str, event: dict) -> None:
    """Send event to the channel's subscribers once the current transaction commits (at once
    outside one): a rolled-back change is never announced. Never raises."""
    transaction.on_commit(lambda: _send(channel, event), robust=True)


def _send(channel: str, event: dict) -> None:
    if _redis_url():
        try:
            _redis().publish(_prefix() + channel, json.dumps(event))
            return
        except Exception:  # Redis away: at least this process's readers hear of it
            logger.warning("Live: could not publish on %s through Redis", channel, exc_info=True)
    deliver_locally(channel, event)


def deliver_locally(channel: str, event: dict) -> None:
    with _lock:
        found = list(_subscribers.get(channel, ()))
    for subscription in found:
        subscription.deliver(event)


def _redis_url() -> str:
    return settings.COMMENTARIAT.get("LIVE_REDIS_URL") or ""


def _prefix() -> str:
    # Redis pub/sub ignores database numbers: sites (and test runs) sharing a Redis need their own.
    return settings.COMMENTARIAT.get("LIVE_CHANNEL_PREFIX") or "commentariat:live:"


_clients: dict = {}


def _redis():
    import redis

    key = (os.getpid(), _redis_url())
    if key not in _clients:
        _clients[key] = redis.Redis.from_url(_redis_url(), socket_connect_timeout=0.5, socket_timeout=1)
    return _clients[key]


def _ensure_listener() -> None:
    """One thread per process (started again after a fork) relays Redis messages to this
    process's subscribers."""
    with _lock:
        if _listener["pid"] == os.getpid() and _listener["thread"].is_alive():
            return
        ready = threading.Event()
        thread = threading.Thread(target=_listen, args=(_redis_url(), _prefix(), ready), daemon=True, name="live-listener")
        _listener.update(pid=os.getpid(), thread=thread)
        thread.start()
    ready.wait(timeout=2)  # subscribed before the caller goes on, so nothing published next is missed


def _listen(url: str, prefix: str, ready: threading.Event) -> None:
    import redis

    while True:
        try:
            pubsub = redis.Redis.from_url(url, socket_connect_timeout=0.5).pubsub(ignore_subscribe_messages=True)
            pubsub.psubscribe(prefix.replace("*", "[*]") + "*")
            pubsub.get_message(timeout=1)  # the subscription's confirmation
            ready.set()
            for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                channel = message["channel"].decode()[len(prefix) :]
                deliver_locally(channel, json.loads(message["data"]))
        except Exception:  # Redis away: try again shortly; readers fall back on their own checks
            logger.warning("Live: Redis listener lost its connection", exc_info=True)
            ready.set()
            time.sleep(2)
