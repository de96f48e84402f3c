import datetime

import pgtrigger
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from staff.models import AccessRecord


class Command(BaseCommand):
    help = "Delete access record lines older than ACCESS_RECORD_RETENTION_DAYS days (six years). Run it daily."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        days = settings.ACCESS_RECORD_RETENTION_DAYS
        expired = AccessRecord.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=days))
        if dry_run:
            self.stdout.write(f"{expired.count()} access record line(s) older than {days} days would be deleted.")
            return
        # The only deletion the append-only trigger lets through: switched off for this
        # transaction alone (PostgreSQL; other databases have no trigger).
        with transaction.atomic(), pgtrigger.ignore("staff.AccessRecord:append_only"):
            deleted, _by_model = expired.delete()
        self.stdout.write(f"Deleted {deleted} access record line(s) older than {days} days.")
