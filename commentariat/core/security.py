"""Security headers Django 5.2 does not set itself: a Content-Security-Policy.

Pages carry no inline scripts or styles (JSON-LD is data, not script), so the
policy can forbid them; frame-ancestors 'none' keeps the site out of frames.
"""

from django.conf import settings

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    # Video cards become players only when a reader clicks them (core/embeds.py).
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
    "frame-ancestors 'none'"
)


# Django's admin sets a few inline style attributes; scripts stay locked down there too.
ADMIN_POLICY = DEFAULT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        policy = ADMIN_POLICY if request.path.startswith("/admin/") else self.policy
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
