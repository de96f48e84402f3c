"""The base of the daily purge commands: rows kept past their retention are deleted, and
`--dry-run` only counts them."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone


class PurgeCommand(BaseCommand):
    # What is deleted, with "{days}" in it: "request(s) closed more than {days} days ago".
    description = ""

    def retention_days(self):
        raise NotImplementedError

    def expired(self, cutoff):
        """The rows past their retention at `cutoff`."""
        raise NotImplementedError

    def delete(self, rows):
        """Delete `rows`; return how many the report counts."""
        return rows.delete()[0]

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        days = self.retention_days()
        what = self.description.format(days=days)
        rows = self.expired(timezone.now() - datetime.timedelta(days=days))
        if dry_run:
            self.stdout.write(f"{rows.count()} {what} would be deleted.")
            return
        self.stdout.write(f"Deleted {self.delete(rows)} {what}.")
