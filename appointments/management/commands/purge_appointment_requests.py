from django.conf import settings

from appointments.models import AppointmentRequest
from core.purge import PurgeCommand


class Command(PurgeCommand):
    help = "Delete appointment requests closed more than APPOINTMENT_RETENTION_DAYS days ago. Run it daily."
    description = "request(s) closed more than {days} days ago"

    def retention_days(self):
        return settings.APPOINTMENT_RETENTION_DAYS

    def expired(self, cutoff):
        return AppointmentRequest.objects.closed_before(cutoff)

    def delete(self, rows):
        # delete() counts every row it removes; the report counts requests, as the dry run does.
        _total, by_model = rows.delete()
        return by_model.get(AppointmentRequest._meta.label, 0)
