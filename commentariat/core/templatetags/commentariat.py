import json

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from commentariat.core.csrf import carries_session
from commentariat.core.dates import machine_datetime

register = template.Library()


@register.filter
def datetime_attr(moment) -> str:
    """A datetime as HTML's datetime attribute takes it (core/dates.py); empty for none."""
    return machine_datetime(moment) if moment else ""


@register.filter
def json_ld(data) -> str:
    """A <script type="application/ld+json"> element holding data."""
    # The same escapes as Django's json_script: nothing in the data can close the element.
    payload = (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.simple_tag(takes_context=True)
def csrf_token_if_session(context) -> str:
    """The CSRF token field, only where the form's POST will carry a session cookie and so be
    checked by token (core/csrf.py): pages every anonymous reader shares hold no token."""
    request = context.get("request")
    if request is None or not carries_session(request):
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
