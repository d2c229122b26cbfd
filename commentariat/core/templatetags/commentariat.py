import json

from django import template
from django.utils.safestring import mark_safe

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
