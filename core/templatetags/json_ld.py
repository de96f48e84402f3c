"""The one way a page writes schema.org structured data: each app builds a plain dict, and

    {% load json_ld %}{{ data|json_ld }}

renders it as a <script type="application/ld+json"> element.
"""

from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(is_safe=True)
def json_ld(data):
    """`data` as a JSON-LD element. Django's json_script does the escaping, so no text an editor
    typed (a name such as "</script>") can end the element early; only the type differs."""
    element = json_script(data)
    return mark_safe(element.replace('type="application/json"', 'type="application/ld+json"', 1))  # noqa: S308
