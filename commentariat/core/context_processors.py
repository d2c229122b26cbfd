from django.conf import settings

from .archive_mode import is_static_archive


def site(request):
    return {
        "site_name": settings.COMMENTARIAT["SITE_NAME"],
        "site_tagline": settings.COMMENTARIAT["SITE_TAGLINE"],
        "static_archive": is_static_archive(request),
    }
