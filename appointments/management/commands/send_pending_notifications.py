from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from appointments.models import AppointmentRequest, Email
from appointments.tasks import enqueue_email, is_due, send_email

# A request younger than this may still have its e-mails on the way to the queue.
GRACE = timedelta(minutes=10)


class Command(BaseCommand):
    help = (
        "The task queue's safety net: queue again the staff notifications and patient receipts "
        "that are neither sent nor waiting in the queue (lost before they were queued, or given up "
        "after every retry). Safe to run as often as you like, e.g. hourly."
    )

    def handle(self, *args, **options):
        waiting = {
            (entry["args"][0], entry["args"][1])
            for entry in DBTaskResult.objects.filter(
                task_path=send_email.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).values_list("args_kwargs", flat=True)
        }
        pending = AppointmentRequest.objects.notifications_pending().filter(created_at__lt=timezone.now() - GRACE)
        queued = 0
        for appointment_request in pending.order_by("created_at"):
            for kind in (Email.STAFF, Email.RECEIPT):
                if is_due(appointment_request, kind, 0) and (appointment_request.pk, kind) not in waiting:
                    enqueue_email(appointment_request, kind)
                    queued += 1
        self.stdout.write(f"Queued {queued} e-mail(s) again.")
