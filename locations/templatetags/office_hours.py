"""Today's hours and the open/closed line for templates; the rules themselves are in hours.py.

{% load office_hours %}
{% office_status office as status %}{{ status.text }}
{% office_status_line office %}
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from locations import hours, structured_data

register = template.Library()


@register.simple_tag
def office_status(office):
    return hours.status_at(office, timezone.localtime())


@register.simple_tag
def office_status_line(office):
    """The office's state as a badge, the same on its card and its page. A tag rather than an
    included template: the cards repeat it once per office."""
    status = office_status(office)
    return format_html(
        '<p class="office-status"><strong class="status-badge status-{}">{}</strong></p>', status.state, status.text
    )


@register.simple_tag
def office_today(office):
    return hours.hours_on(office, timezone.localdate())


@register.simple_tag
def office_week(office):
    return hours.week_hours(office, timezone.localdate())


@register.simple_tag
def office_special_days(office):
    return hours.upcoming_special_days(office, timezone.localdate())


@register.simple_tag(takes_context=True)
def office_structured_data(context, office, clinic_name=""):
    """The office as schema.org data, for the json_ld filter."""
    return structured_data.medical_clinic(
        office,
        clinic_name=clinic_name,
        url=context["request"].build_absolute_uri(office.get_absolute_url()),
        today=timezone.localdate(),
    )
