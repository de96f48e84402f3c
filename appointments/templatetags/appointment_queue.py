from django import template
from django.urls import reverse

from appointments.models import AppointmentRequest

register = template.Library()


@register.inclusion_tag("admin/appointments/queue.html", takes_context=True)
def appointment_queue(context):
    """The front desk's queue at a glance, for staff allowed to see requests only."""
    request = context.get("request")
    if request is None or not request.user.has_perm("appointments.view_appointmentrequest"):
        return {"show": False}
    return {
        "show": True,
        "counts": AppointmentRequest.objects.queue_counts(),
        "changelist": reverse("admin:appointments_appointmentrequest_changelist"),
        "reports": reverse("admin:appointments_reports"),
    }
