"""Local development: debug pages on, plain static storage."""

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
