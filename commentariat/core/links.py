"""Absolute addresses for links that leave the site: mail, print, PDF and exports.

They are made from COMMENTARIAT_SITE_URL, never from the request: its Host header is whatever the
client sent, and a link mailed to someone else, or kept in a cached PDF, must not point wherever
a forged header said.
"""

from django.conf import settings


def site_url(path: str) -> str:
    """path (from its leading /) under the site's public address."""
    return f"{settings.COMMENTARIAT['SITE_URL']}{path}"
