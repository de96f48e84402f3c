"""Today's hours and the open/closed line for templates; the rules themselves are in hours.py.

{% load office_hours %}
{% office_status office as status %}{{ status.text }}
"""

from django import template
from django.utils import timezone, translation

from locations import hours, structured_data

register = template.Library()


def once_a_minute(office, name, compute):
    """`compute()` once per office instance, minute and language: a page shows an office's
    state and today's hours in its body and again in its footer (the instances are the page's
    own, read afresh for each request)."""
    now = timezone.localtime()
    key = (name, now.replace(second=0, microsecond=0), translation.get_language())
    memo = office.__dict__.setdefault("_hours_memo", {})
    if key not in memo:
        memo[key] = compute(now)
    return memo[key]


@register.simple_tag
def office_status(office):
    return once_a_minute(office, "status", lambda now: hours.status_at(office, now))


@register.simple_tag
def office_today(office):
    return once_a_minute(office, "today", lambda now: hours.hours_on(office, now.date()))


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
