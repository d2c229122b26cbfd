from django.conf import settings


def site(request):
    return {
        "site_name": settings.COMMENTARIAT["SITE_NAME"],
        "site_tagline": settings.COMMENTARIAT["SITE_TAGLINE"],
    }
