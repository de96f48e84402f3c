from django.core.management.base import BaseCommand, CommandError

from appointments.models import AppointmentRequest
from appointments.notifications import Outcome, send_notifications


class Command(BaseCommand):
    help = (
        "Send the staff notifications and patient receipts that could not be sent when the "
        "requests arrived (mail server down). Safe to run as often as you like, e.g. every 10 minutes."
    )

    def handle(self, *args, **options):
        outcome = Outcome()
        pending = AppointmentRequest.objects.notifications_pending().order_by("created_at")
        for pk in pending.values_list("pk", flat=True):
            outcome += send_notifications(pk)
        self.stdout.write(f"Sent {outcome.sent} e-mail(s); {outcome.failed} failed.")
        if outcome.failed:
            # A non-zero exit, so cron or the systemd timer reports that mail is still failing.
            raise CommandError(f"{outcome.failed} e-mail(s) could not be sent; they will be retried next run.")
