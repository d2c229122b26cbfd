"""Test run: fast hashing, plain static storage, a throwaway data dir."""

import os
import tempfile

os.environ.setdefault("COMMENTARIAT_DATA_DIR", tempfile.mkdtemp(prefix="commentariat-test-"))

from .base import *  # noqa: E402, F403
from .base import CACHES, COMMENTARIAT, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"commentariat-test-{os.getpid()}"}}
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests of the page and the thread see comments appear at once; moderation tests set the mode they check.
# Browser tests fill the form faster than a person; the timing rule has its own tests.
COMMENTARIAT = {**COMMENTARIAT, "INITIAL_MODERATION_MODE": "hold_none", "COMMENT_FORM_MIN_SECONDS": 0}
# Test runs sharing one Redis must not hear each other's live events.
COMMENTARIAT["LIVE_CHANNEL_PREFIX"] = f"commentariat-test-{os.getpid()}:live:"

# Mail goes to django.core.mail.outbox; an SMTP host is "set" so the email form shows.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = "smtp.invalid"
