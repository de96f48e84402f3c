from django.core.management.base import BaseCommand

from appointments.mail_safety_net import queue_lost_emails, requeue_stuck_sends


class Command(BaseCommand):
    help = (
        "The mail queue's safety net: queue again every e-mail that is neither sent nor waiting in the queue "
        "(its worker died during the send, it was lost before it was queued, or given up after every retry). "
        "Safe to run as often as you like; the timer runs it every 10 minutes."
    )

    def handle(self, *args, **options):
        stuck = requeue_stuck_sends()
        queued = queue_lost_emails()
        dead = f" {stuck} of them had stopped mid-send with their worker." if stuck else ""
        self.stdout.write(f"Queued {stuck + queued} e-mail(s) again.{dead}")
