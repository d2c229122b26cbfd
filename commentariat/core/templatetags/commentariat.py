import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


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
