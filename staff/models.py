import pgtrigger
from django.db import models
from django.utils import timezone


class AccessRecordQuerySet(models.QuerySet):
    def reads(self):
        """Views of request data (not sign-ins): what the review page counts."""
        return self.filter(action__in=AccessRecord.READS).exclude(reference="")


class AccessRecord(models.Model):
    """One line of the staff access record: who read which request, and every sign-in event.

    HIPAA's audit controls (164.312(b)) ask for a trace of reads as well as changes (Django's
    LogEntry has the changes). The record holds a request's reference, never its patient data,
    so it outlives the request it names: the retention purge of requests leaves it alone, and
    only `manage.py purge_access_records` deletes lines, after ACCESS_RECORD_RETENTION_DAYS.
    Nobody edits it: the admin is read-only, and on PostgreSQL a trigger refuses UPDATE and
    DELETE unless that command switches it off for its own transaction, and another refuses
    TRUNCATE always.

    The user is kept by name, not by foreign key: a deleted staff account must not change (or
    block on) lines that name it.
    """

    class Action(models.TextChoices):
        LISTED = "listed", "Listed"
        SEARCHED = "searched", "Found by a search"
        OPENED = "opened", "Opened"
        HISTORY = "history", "History opened"
        EXPORTED = "exported", "Exported to CSV"
        SIGNED_IN = "signed_in", "Password accepted"
        SIGN_IN_FAILED = "sign_in_failed", "Wrong password"
        VERIFIED = "verified", "Code accepted"
        CODE_FAILED = "code_failed", "Wrong code"
        LOCKED_OUT = "locked_out", "Locked out"
        ENROLLED = "enrolled", "Second factor set up"
        DEVICES_REMOVED = "devices_removed", "Second factor removed"
        SIGNED_OUT = "signed_out", "Signed out"
        # The pre-visit packet (packets/admin.py, purge_packets): its own lines, so the review
        # tells a packet's medical answers and photos apart from the request they belong to.
        PACKET_OPENED = "packet_opened", "Packet opened"
        PACKET_IMAGE = "packet_image", "Packet photo viewed"
        FHIR_EXPORTED = "fhir_exported", "Packet downloaded (FHIR)"
        PACKET_PURGED = "packet_purged", "Packet deleted (retention)"

    READS = [
        Action.LISTED,
        Action.SEARCHED,
        Action.OPENED,
        Action.HISTORY,
        Action.EXPORTED,
        Action.PACKET_OPENED,
        Action.PACKET_IMAGE,
        Action.FHIR_EXPORTED,
    ]

    at = models.DateTimeField("when", default=timezone.now, editable=False)
    username = models.CharField("staff member", max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    reference = models.CharField(
        max_length=32, blank=True, help_text="The request read (its reference, as staff and patients say it)."
    )
    # Never patient data: counts, a page number, which kind of code.
    detail = models.CharField(max_length=200, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "access record"
        verbose_name_plural = "access record"
        indexes = [
            models.Index(fields=["at"], name="access_at"),
            models.Index(fields=["username", "at"], name="access_user_at"),
            models.Index(fields=["reference", "at"], name="access_reference_at"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # TRUNCATE (`manage.py flush` too) fires no row trigger: refuse it for the statement.
            pgtrigger.Trigger(
                name="no_truncate",
                when=pgtrigger.Before,
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table (append-only)', TG_TABLE_NAME;",
            ),
        ]

    def __str__(self):
        return f"{self.username} · {self.get_action_display()} {self.reference}".strip()
