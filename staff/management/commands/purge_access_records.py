import pgtrigger
from django.conf import settings
from django.db import transaction

from core.purge import PurgeCommand
from staff.models import AccessRecord


class Command(PurgeCommand):
    help = "Delete access record lines older than ACCESS_RECORD_RETENTION_DAYS days (six years). Run it daily."
    description = "access record line(s) older than {days} days"

    def retention_days(self):
        return settings.ACCESS_RECORD_RETENTION_DAYS

    def expired(self, cutoff):
        return AccessRecord.objects.filter(at__lt=cutoff)

    def delete(self, rows):
        # The only deletion the append-only trigger lets through: switched off for this
        # transaction alone (PostgreSQL; other databases have no trigger).
        with transaction.atomic(), pgtrigger.ignore("staff.AccessRecord:append_only"):
            return rows.delete()[0]
