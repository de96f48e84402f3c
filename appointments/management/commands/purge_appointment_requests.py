import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from appointments.models import AppointmentRequest


class Command(BaseCommand):
    help = "Delete appointment requests closed more than APPOINTMENT_RETENTION_DAYS days ago. Run it daily."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        days = settings.APPOINTMENT_RETENTION_DAYS
        expired = AppointmentRequest.objects.closed_before(timezone.now() - datetime.timedelta(days=days))
        if dry_run:
            self.stdout.write(f"{expired.count()} request(s) closed more than {days} days ago would be deleted.")
            return
        # delete() counts every row it removes; the report counts requests, as the dry run does.
        _total, by_model = expired.delete()
        deleted = by_model.get(AppointmentRequest._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} request(s) closed more than {days} days ago.")
