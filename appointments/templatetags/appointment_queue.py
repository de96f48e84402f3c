from django import template
from django.urls import reverse

from appointments.front_desk import NEXT_ON_INDEX, call_list, front_desk_counts, language_badge, tel_link
from staff.audit import record
from staff.models import AccessRecord

register = template.Library()


@register.inclusion_tag("admin/appointments/queue.html", takes_context=True)
def appointment_queue(context):
    """The front desk's day at a glance, for staff allowed to see requests only: the counts,
    and the most urgent patients with their phones, so the first call is one click away
    (recorded in the access record, as any list of patients is)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("appointments.view_appointmentrequest"):
        return {"show": False}
    next_calls = list(call_list().select_related("taken_by")[:NEXT_ON_INDEX])
    if next_calls:
        detail = f"admin index, {len(next_calls)} shown"
        record(request, AccessRecord.Action.LISTED, [row.reference for row in next_calls], detail)
    return {
        "show": True,
        "counts": front_desk_counts(),
        "next_calls": [(row, tel_link(row), language_badge(row)) for row in next_calls],
        "changelist": reverse("admin:appointments_appointmentrequest_changelist"),
        "reports": reverse("admin:appointments_reports"),
        "day_sheet": reverse("admin:appointments_day_sheet"),
        "access_review": reverse("admin:access_review") if request.user.is_superuser else "",
    }
