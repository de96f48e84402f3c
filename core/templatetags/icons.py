"""The site's icons, drawn from the one SVG sprite:

    {% load icons %}{% icon "phone" %}

A tag rather than an included template: a page draws a dozen of them, several per office in
loops, and each include of a template costs far more than the markup it writes.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name):
    """Decorative only (aria-hidden): the text beside it says what it means. The line break
    after it is the space the icon has always had before its text (inline, as in a button)."""
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>\n',
        static("icons/icons.svg"),
        name,
    )
