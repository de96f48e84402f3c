import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from locations.hours import hours_on
from locations.models import Location

from .queue import first_contact_wait, overdue_cutoff

# Read over the phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes.
REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8
# A clash among 26^8 references is rare; more than a few in a row means something else is wrong.
REFERENCE_ATTEMPTS = 5


def new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def format_reference(reference):
    """As patients and staff read it: "KDFM-4HXP"."""
    half = len(reference) // 2
    return f"{reference[:half]}-{reference[half:]}" if reference else ""


def normalize_reference(text):
    """What staff or a patient typed ("kdfm 4hxp", "KDFM-4HXP") as it is stored."""
    return "".join(char for char in text.upper() if char.isalnum())


class PreferredTime(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    ANY = "any", _("Any time")


class PatientKind(models.TextChoices):
    NEW = "new", _("New patient")
    RETURNING = "returning", _("Returning patient")


class Reason(models.TextChoices):
    RESTLESS_LEGS = "restless_legs", _("Restless legs")
    VEINS = "veins", _("Vein concerns")
    LEG_PAIN = "leg_pain", _("Leg pain or swelling")
    OTHER = "other", _("Other")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")


# The site's languages (settings.LANGUAGES), each named in itself, as patients look for it:
# "English", "Español".
LANGUAGE_CHOICES = [(code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]


class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    VISIT_CANCELLED = "cancelled", "Visit cancelled"
    CLOSED = "closed", "Closed"


class PatientChoice(models.TextChoices):
    """What the patient chose through the link in their e-mail (reports count these)."""

    CANCELLED = "cancelled", "Cancelled by the patient"
    ANOTHER_TIME = "another_time", "Asked for another time"


# The status each of the patient's choices moves the request to: a cancelled visit, or back to
# the front desk to call (the visit stays in the patient's calendar until it is rebooked).
PATIENT_MOVES = {PatientChoice.CANCELLED: Status.VISIT_CANCELLED, PatientChoice.ANOTHER_TIME: Status.CONTACTED}


class Email(models.TextChoices):
    """The e-mails a request sends; the request names the one that could not be sent."""

    STAFF = "staff", "Staff notification"
    RECEIPT = "receipt", "Receipt"
    CONFIRMATION = "confirmation", "Confirmation"
    UPDATE = "update", "Updated confirmation"
    CANCELLATION = "cancellation", "Cancellation"
    REMINDER = "reminder", "Reminder"
    PATIENT_REPLY = "patient_reply", "Staff notification of the patient's reply"


PATIENT_EMAILS = {Email.RECEIPT, Email.CONFIRMATION, Email.UPDATE, Email.CANCELLATION, Email.REMINDER}


@dataclass(frozen=True)
class Visit:
    """A booked visit: when (aware) and at which office."""

    at: datetime.datetime
    office: Location

    @classmethod
    def at_clinic_time(cls, day, time, office):
        return cls(datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone()), office)

    @property
    def ends_at(self):
        return self.at + datetime.timedelta(minutes=settings.APPOINTMENT_VISIT_MINUTES)

    def problem(self, now=None):
        """Why the office cannot see a patient then (a sentence for staff), or "" if it can."""
        local = timezone.localtime(self.at)
        day_text = f"{local:%A, %B} {local.day}"
        if self.at <= (now or timezone.now()):
            return "The visit must be in the future."
        hours = hours_on(self.office, local.date())
        if hours.is_closed:
            return f"{self.office.name} is closed on {day_text}."
        if hours.is_open and not any(opens <= local.time() < closes for opens, closes in hours.intervals):
            return f"{self.office.name} is open {hours.text} on {day_text}: choose a time within its hours."
        return ""


class CancelledBy(models.TextChoices):
    """Who cancelled a visit that staff marked cancelled (reports count the patient's)."""

    PATIENT = "patient", "The patient, by phone"
    PRACTICE = "practice", "The practice"


CLOSING_REASON_NEEDED = "Choose why the request is closed."


class ClosingReason(models.TextChoices):
    BOOKED = "booked", "Appointment booked"
    UNREACHABLE = "unreachable", "Could not reach the patient"
    DECLINED = "declined", "Patient no longer wants an appointment"
    DUPLICATE = "duplicate", "Duplicate request"
    NOT_GENUINE = "not_genuine", "Not a real request (spam or test)"
    OTHER = "other", "Other"


# Which status may follow which as the front desk works forward. Going back is a correction
# made by hand on one request's page (see AppointmentRequest.move_to), never back to new.
NEXT_STATUSES = {
    Status.NEW: {Status.CONTACTED, Status.SCHEDULED, Status.CLOSED},
    Status.CONTACTED: {Status.SCHEDULED, Status.CLOSED},
    # Scheduled again: the visit changed (the patient gets an updated confirmation).
    Status.SCHEDULED: {Status.SCHEDULED, Status.VISIT_CANCELLED, Status.CLOSED},
    Status.VISIT_CANCELLED: {Status.SCHEDULED, Status.CLOSED},
    Status.CLOSED: set(),
}


class IllegalMove(ValidationError):
    """A status change the workflow refuses. Its message is written for staff, keyed by the
    field it concerns ("status" or "closing_reason") so a form shows it beside that field."""


class AppointmentRequestQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=Status.NEW)

    def overdue(self, now=None):
        """Still new after one business day (Monday to Friday, clinic time): see queue.py."""
        return self.filter(self.overdue_condition(now))

    @staticmethod
    def overdue_condition(now=None):
        return Q(status=Status.NEW, created_at__lt=overdue_cutoff(now))

    @staticmethod
    def handled_condition(day):
        """Taken out of the new queue on `day` (clinic date): first contacted or closed that day."""
        return Q(first_contacted_at__date=day) | Q(closed_at__date=day)

    def queue_counts(self, now=None):
        """The front desk's queue at a glance, in one query."""
        now = timezone.localtime(now)
        return self.aggregate(
            new=Count("pk", filter=Q(status=Status.NEW)),
            overdue=Count("pk", filter=self.overdue_condition(now)),
            handled_today=Count("pk", filter=self.handled_condition(now.date())),
        )

    def closed_before(self, moment):
        return self.filter(status=Status.CLOSED, closed_at__lt=moment)

    def to_call(self):
        """The front desk's call list: not yet reached (new, contacted) or the patient replied."""
        return self.filter(self.to_call_condition())

    @staticmethod
    def to_call_condition():
        return Q(status__in=[Status.NEW, Status.CONTACTED]) | Q(needs_attention=True)

    @staticmethod
    def visit_stands_condition():
        """The booked visit still stands: AppointmentRequest.visit_is_on, in the database."""
        return Q(visit_at__isnull=False) & (
            Q(status=Status.SCHEDULED) | Q(status=Status.CLOSED, closing_reason=ClosingReason.BOOKED)
        )

    def notifications_pending(self):
        """Requests whose staff message or patient receipt has not gone out yet."""
        pending = Q(email__gt="", receipt_sent_at__isnull=True)
        if settings.APPOINTMENT_STAFF_EMAILS:
            pending |= Q(staff_notified_at__isnull=True)
        return self.filter(pending)


# What the patient answers on the request form, in the form's order: the form asks for these, and
# the admin shows them (read-only) as the patient's answers.
PATIENT_FIELDS = [
    "first_name",
    "last_name",
    "phone",
    "email",
    "location",
    "preferred_date",
    "preferred_time",
    "patient_kind",
    "reason",
    "message",
    "contact_method",
    "callback_language",
]


class AppointmentRequest(models.Model):
    """A patient's request to be called back for an appointment. Not a booking: the front desk
    calls the patient, books in the practice's own system, then closes the request here.

    Everything the patient typed is protected health information: it stays out of URLs, logs
    and e-mails, and closed requests are purged after APPOINTMENT_RETENTION_DAYS.
    """

    reference = models.CharField(
        "reference", max_length=REFERENCE_LENGTH, unique=True, editable=False, help_text="Read to the patient."
    )

    # The patient's answers.
    first_name = models.CharField("first name", max_length=100)
    last_name = models.CharField("last name", max_length=100)
    phone = PhoneNumberField("phone", region="US")
    email = models.EmailField("email", blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="appointment_requests", verbose_name="office"
    )
    preferred_date = models.DateField("preferred date")
    preferred_time = models.CharField("preferred time", max_length=10, choices=PreferredTime.choices)
    patient_kind = models.CharField("new or returning patient", max_length=10, choices=PatientKind.choices)
    reason = models.CharField("reason for visit", max_length=20, choices=Reason.choices)
    message = models.TextField("message", max_length=500, blank=True)
    contact_method = models.CharField("contact by", max_length=10, choices=ContactMethod.choices)
    callback_language = models.CharField("language for the call back", max_length=2, choices=LANGUAGE_CHOICES)
    language = models.CharField(
        "site language", max_length=2, choices=LANGUAGE_CHOICES, help_text="The language of the form and receipt."
    )
    consented_at = models.DateTimeField("consented to be contacted at")

    # The front desk's work.
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.NEW)
    closing_reason = models.CharField("closing reason", max_length=20, choices=ClosingReason.choices, blank=True)
    staff_notes = models.TextField("staff notes", blank=True, help_text="Internal: never shown or sent to the patient.")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="handled by",
    )

    created_at = models.DateTimeField("received", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    first_contacted_at = models.DateTimeField("first contacted", null=True, blank=True)
    closed_at = models.DateTimeField("closed", null=True, blank=True)
    # Stamped once, at the first contact, from the office's hours as they were then, so the
    # reports can aggregate waits in the database (queue.first_contact_wait).
    business_seconds_to_contact = models.PositiveIntegerField(
        "business seconds to first contact", null=True, blank=True, editable=False
    )
    contacted_within_business_day = models.BooleanField(
        "first contacted within one business day", null=True, blank=True, editable=False
    )
    staff_notified_at = models.DateTimeField("staff notified", null=True, blank=True)
    receipt_sent_at = models.DateTimeField("receipt sent", null=True, blank=True)
    unsent_email = models.CharField(
        "e-mail not sent",
        max_length=20,
        choices=Email.choices,
        blank=True,
        help_text="The last e-mail that still failed after every retry.",
    )

    # The visit the front desk booked (the "Schedule visit" action sets it; history says who).
    visit_at = models.DateTimeField("visit", null=True, blank=True)
    visit_office = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="visit office"
    )
    visit_sequence = models.PositiveIntegerField(
        "visit changes", default=0, help_text="Rises with each change, so calendars update the event in place."
    )
    reminder_sent_at = models.DateTimeField("reminder sent", null=True, blank=True)
    # The patient's answer through the link in their e-mail; needs_attention is the flag the
    # queue shows until staff next move the request.
    patient_choice = models.CharField("patient's choice", max_length=20, choices=PatientChoice.choices, blank=True)
    patient_choice_at = models.DateTimeField("patient chose at", null=True, blank=True)
    needs_attention = models.BooleanField("patient replied", default=False)
    # Who is calling the patient now (front_desk.py: take / release), so two people never call
    # the same patient; not who handled it (handled_by, set by each move).
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="taken by",
    )
    taken_at = models.DateTimeField("taken at", null=True, blank=True)
    # Set with a move to "visit cancelled" made by staff; the patient's own link sets patient_choice.
    cancelled_by = models.CharField("cancelled by", max_length=10, choices=CancelledBy.choices, blank=True)

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "appointment request"
        verbose_name_plural = "appointment requests"
        indexes = [
            # The queue (new first) and the overdue filter.
            models.Index(fields=["status", "created_at"], name="appointment_status_created"),
            models.Index(fields=["created_at"], name="appointment_created"),
            models.Index(fields=["preferred_date"], name="appointment_preferred_date"),
            models.Index(fields=["location", "created_at"], name="appointment_office_created"),
            # The retention purge.
            models.Index(fields=["status", "closed_at"], name="appointment_status_closed"),
            # The reports' percentiles of the wait: the range's waits read from the index alone
            # (PostgreSQL), not from the wide rows, which halves that part of the page.
            models.Index(
                fields=["created_at"],
                include=["business_seconds_to_contact"],
                condition=models.Q(business_seconds_to_contact__isnull=False),
                name="appointment_contact_wait",
            ),
        ]

    def __str__(self):
        return self.display_reference

    def save(self, *args, **kwargs):
        self.record_status_times()
        if self._state.adding and not self.reference:
            self._insert_with_new_reference(*args, **kwargs)
        else:
            super().save(*args, **kwargs)

    @property
    def display_reference(self):
        return format_reference(self.reference)

    @property
    def patient_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_display(self):
        """US numbers as Americans write them; others (Mexico) with their country code."""
        if not self.phone:
            return ""
        if self.phone.country_code == 1:
            return self.phone.as_national
        return self.phone.as_international

    def clean(self):
        """A status changed in a form is a correction by hand: the workflow checks it, from the
        status stored now."""
        super().clean()
        stored = None if self._state.adding else self._stored_status()
        if stored and self.status != stored:
            self.check_move(stored, self.status, self.closing_reason, correction=True)
        elif self.status == Status.CLOSED and not self.closing_reason:
            raise IllegalMove({"closing_reason": CLOSING_REASON_NEEDED})

    @property
    def visit(self):
        return Visit(self.visit_at, self.visit_office) if self.visit_at else None

    @property
    def visit_is_on(self):
        """The booked visit still stands (scheduled, or closed as booked)."""
        return self.visit_at is not None and (
            self.status == Status.SCHEDULED
            or (self.status == Status.CLOSED and self.closing_reason == ClosingReason.BOOKED)
        )

    def move_to(self, status, by, closing_reason="", correction=False, visit=None, patient_choice=""):
        """Move the request along the front desk's workflow and save it: the one way its status
        changes (admin actions and form, commands, the patient's link, the shell).

        Records who moved it (`by`, a user) and, through save(), when it was first contacted
        or closed. Refuses an illegal move with IllegalMove. The move starts from the status
        stored now, read under a row lock, so two people moving the same request cannot both
        succeed. A `correction` (a person fixing one request on its page) may also go back to
        an earlier handled status or reopen a closed request.

        Scheduling takes the `visit` (checked against the office's hours); the patient's own
        choice (`patient_choice`, with `by` None) flags the request for the front desk. The
        e-mails a move means (confirmation, update, cancellation, reminder, staff notice) are
        queued once the move is committed.
        """
        from .tasks import emails_after_move

        with transaction.atomic():
            stored = self._stored_status(lock=True)
            if stored is None:
                raise IllegalMove({"status": "This request no longer exists."})
            self.check_move(stored, status, closing_reason, correction, visit, patient_choice)
            if status == Status.SCHEDULED and visit is None:
                visit = self.visit  # a correction that keeps the booked visit
            if status in (Status.SCHEDULED, Status.VISIT_CANCELLED) and self.visit_at is not None:
                self.visit_sequence += 1  # calendars replace the event they hold
            if visit:
                self.visit_at, self.visit_office, self.reminder_sent_at = visit.at, visit.office, None
            if patient_choice:
                self.patient_choice, self.patient_choice_at = patient_choice, timezone.now()
            else:
                self.handled_by = by
            self.needs_attention = bool(patient_choice)
            self.status = status
            self.closing_reason = closing_reason
            self.save()
            emails_after_move(self, patient_choice)

    def check_move(self, current, status, closing_reason="", correction=False, visit=None, patient_choice=""):
        """Raise IllegalMove unless the workflow lets a request go from `current` to `status`."""
        if status not in Status.values:
            raise IllegalMove({"status": f"There is no status “{status}”."})
        label, current_label = Status(status).label.lower(), Status(current).label.lower()
        if patient_choice:
            # The visit must still stand: scheduled, or closed as booked (the link still works).
            standing = current == Status.SCHEDULED or (current == Status.CLOSED and self.visit_is_on)
            if not standing or PATIENT_MOVES.get(patient_choice) != status:
                raise IllegalMove({"status": "This visit can no longer be changed from the link."})
            return
        if status == Status.SCHEDULED:
            if visit is None and not (correction and self.visit_at):
                raise IllegalMove(
                    {"status": "Use the “Schedule visit” action to set the visit's date, time and office."}
                )
            if visit and (problem := visit.problem()):
                raise IllegalMove({"visit": problem})
        if status == current and not (status == Status.SCHEDULED and visit):
            raise IllegalMove({"status": f"This request is already {label}."})
        if status == Status.NEW:
            raise IllegalMove({"status": "A request that has been handled cannot go back to new."})
        if not correction and status not in NEXT_STATUSES[current]:
            raise IllegalMove(
                {"status": f"This request is already {current_label}: change it to {label} on its own page."}
            )
        if status == Status.CLOSED and closing_reason not in ClosingReason.values:
            raise IllegalMove({"closing_reason": CLOSING_REASON_NEEDED})

    def _stored_status(self, lock=False):
        rows = type(self).objects.filter(pk=self.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("status", flat=True).first()

    def is_overdue(self, now=None):
        return self.status == Status.NEW and self.created_at < overdue_cutoff(now)

    def record_status_times(self):
        """Keep first_contacted_at and closed_at true to the status. On every save, not only in
        move_to(), so a request created with a status (fixtures, data fixes) is stamped too."""
        now = timezone.now()
        # Closing is not contact: a spam request is closed without a call.
        if self.status in (Status.CONTACTED, Status.SCHEDULED):
            self.first_contacted_at = self.first_contacted_at or now
        if self.first_contacted_at and self.business_seconds_to_contact is None:
            self.business_seconds_to_contact, self.contacted_within_business_day = first_contact_wait(
                self.location, self.created_at or now, self.first_contacted_at
            )
        if self.status == Status.SCHEDULED:
            self.cancelled_by = ""  # a visit booked again: an earlier cancellation no longer stands
        if self.status == Status.CLOSED:
            self.closed_at = self.closed_at or now
        else:
            self.closed_at = None
            self.closing_reason = ""

    def _insert_with_new_reference(self, *args, **kwargs):
        for attempt in range(1, REFERENCE_ATTEMPTS + 1):
            self.reference = new_reference()
            try:
                # A savepoint, so a clash leaves the surrounding transaction usable.
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                clashed = type(self).objects.filter(reference=self.reference).exists()
                self.reference = ""
                self._state.adding = True
                if not clashed or attempt == REFERENCE_ATTEMPTS:
                    raise


class CallAttempt(models.Model):
    """One call to the patient that did not reach them ("no answer", "left a message"): who
    tried and when, so the front desk sees how often a patient was tried. Notes are internal."""

    request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="call_attempts")
    at = models.DateTimeField("when", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="by"
    )
    note = models.CharField("note", max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "call attempt"
        verbose_name_plural = "call attempts"

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} · {self.by or 'someone'}"
