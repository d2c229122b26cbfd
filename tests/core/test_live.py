"""The live channel: an event published after a commit reaches subscribers in this process and,
through Redis, in another process (another app server)."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.db import transaction

from commentariat.core import live

pytestmark = pytest.mark.django_db(transaction=True)

_SUBSCRIBER = textwrap.dedent(
    """
    import os, sys
    import django
    django.setup()
    from django.conf import settings
    settings.COMMENTARIAT["LIVE_CHANNEL_PREFIX"] = sys.argv[1]
    from commentariat.core import live
    subscription = live.subscribe("queue")
    print("listening", flush=True)
    print(subscription.get(timeout=10), flush=True)
    """
)


def test_an_event_reaches_a_subscriber_only_after_the_commit():
    subscription = live.subscribe("post:7")
    try:
        with transaction.atomic():
            live.publish("post:7", {"comment": 1})
            assert subscription.get(timeout=0.2) is None
        assert subscription.get(timeout=3) == {"comment": 1}
    finally:
        subscription.close()


def test_a_rolled_back_change_is_never_announced():
    subscription = live.subscribe("post:8")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            live.publish("post:8", {"comment": 2})
            raise RuntimeError("rolled back")
        assert subscription.get(timeout=0.5) is None
    finally:
        subscription.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_a_publish_here_reaches_a_subscriber_in_another_process(settings):
    prefix = settings.COMMENTARIAT["LIVE_CHANNEL_PREFIX"]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "commentariat.settings.test"}
    other = subprocess.Popen(
        [sys.executable, "-c", _SUBSCRIBER, prefix], stdout=subprocess.PIPE, text=True, env=environment
    )
    try:
        assert other.stdout.readline().strip() == "listening"
        live.publish("queue", {"comment": 42})
        assert other.stdout.readline().strip() == "{'comment': 42}"
    finally:
        other.kill()
        other.wait()
