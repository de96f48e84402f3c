"""Today's hours and the open/closed line for templates; the rules themselves are in hours.py.

{% load office_hours %}
{% office_status office as status %}{{ status.text }}
"""

from django import template

from locations import hours, structured_data

register = template.Library()


@register.simple_tag
def office_status(office):
    return hours.status_at(office, hours.clinic_now())


@register.simple_tag
def office_today(office):
    return hours.hours_on(office, hours.clinic_today())


@register.simple_tag
def office_week(office):
    return hours.week_hours(office, hours.clinic_today())


@register.simple_tag
def office_special_days(office):
    return hours.upcoming_special_days(office, hours.clinic_today())


@register.simple_tag(takes_context=True)
def office_json_ld(context, office, clinic_name=""):
    """The office as schema.org JSON-LD, ready for a <script type="application/ld+json"> element."""
    request = context["request"]
    data = structured_data.medical_clinic(
        office,
        clinic_name=clinic_name,
        url=request.build_absolute_uri(office.get_absolute_url()),
        today=hours.clinic_today(),
    )
    return structured_data.json_ld(data)
