import datetime
import logging
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from redis.exceptions import RedisError

from core.percentiles import PercentileCont, has_percentile_cont, percentile
from locations.hours import hours_on
from locations.models import Location

from .good_faith_estimate import due_date_for
from .overdue import first_contact_wait, overdue_cutoff

logger = logging.getLogger(__name__)

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


class Insurance(models.TextChoices):
    """Whether the patient will use health insurance: without it, the patient has the right to a
    Good Faith Estimate (good_faith_estimate.py)."""

    YES = "yes", _("Yes")
    SELF_PAY = "self_pay", _("No, I will pay myself")
    NOT_SURE = "not_sure", _("Not sure")


# The answers that start the Good Faith Estimate clock once the visit is scheduled.
ESTIMATE_ANSWERS = {Insurance.SELF_PAY, Insurance.NOT_SURE}


class EarlierTime(models.TextChoices):
    """Whether the patient wants to be offered an earlier time freed by a cancellation, and where
    (waitlist.py). Blank: not on the waitlist."""

    THIS_OFFICE = "this_office", _("Yes, at the office of my visit")
    EITHER_OFFICE = "either_office", _("Yes, at either office")


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
# The e-mails that book, move or remove the visit in the patient's calendar: one per visit version.
VISIT_EMAILS = {Email.CONFIRMATION, Email.UPDATE, Email.CANCELLATION}


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


# The call-back time told to patients (appointments/includes/callback_time.txt).
CALLBACK_MIN_CONTACTED = 20
CALLBACK_WINDOW = datetime.timedelta(days=30)
CALLBACK_CACHE_KEY = "appointments:typical-callback-hours"
CALLBACK_CACHE_SECONDS = 3600


def in_calendar(status, closing_reason, visit_at):
    """The patient's calendar holds a booked visit: confirmed and standing, or waiting to be
    rebooked after the patient asked for another time (contacted again, the event kept until
    the new one replaces it). A move from such a state to none cancels the event."""
    if visit_at is None:
        return False
    return status in (Status.SCHEDULED, Status.CONTACTED) or (
        status == Status.CLOSED and closing_reason == ClosingReason.BOOKED
    )


class AppointmentRequestQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=Status.NEW)

    def overdue(self, now=None):
        """Still new after one business day (Monday to Friday, clinic time): see overdue.py."""
        return self.filter(self.overdue_condition(now))

    @staticmethod
    def overdue_condition(now=None):
        return Q(status=Status.NEW, created_at__lt=overdue_cutoff(now))

    @staticmethod
    def handled_condition(day):
        """Taken out of the new queue on `day` (clinic date): first contacted or closed that day."""
        return Q(first_contacted_at__date=day) | Q(closed_at__date=day)

    @staticmethod
    def estimate_outstanding_condition():
        """A Good Faith Estimate still to send, for a visit that still stands."""
        standing = Q(status=Status.SCHEDULED) | Q(status=Status.CLOSED, closing_reason=ClosingReason.BOOKED)
        return standing & Q(estimate_due_on__isnull=False, estimate_sent_at__isnull=True)

    def estimates_due(self, today=None):
        """Estimates still to send whose due date (clinic date) has not passed."""
        return self.filter(self.estimate_outstanding_condition(), estimate_due_on__gte=today or timezone.localdate())

    def estimates_overdue(self, today=None):
        """Estimates still to send after their due date."""
        return self.filter(self.estimate_outstanding_condition(), estimate_due_on__lt=today or timezone.localdate())

    def queue_counts(self, now=None):
        """The front desk's queue at a glance, in one query."""
        now = timezone.localtime(now)
        return self.aggregate(
            new=Count("pk", filter=Q(status=Status.NEW)),
            overdue=Count("pk", filter=self.overdue_condition(now)),
            handled_today=Count("pk", filter=self.handled_condition(now.date())),
        )

    def typical_callback_hours(self):
        """The median wait for a first contact over the last 30 days, in business hours rounded
        up, or None while fewer than 20 requests were contacted then: the call-back time told
        to patients. Cached for an hour, so patients' pages never aggregate the raw rows; None
        (the usual wording) with the cache unreachable, since a page can do without it."""
        try:
            cached = cache.get(CALLBACK_CACHE_KEY)
            if cached is None:
                cached = {"hours": self._median_callback_hours()}
                cache.set(CALLBACK_CACHE_KEY, cached, CALLBACK_CACHE_SECONDS)
        except RedisError as error:
            logger.warning("call-back time not read: cache unreachable", extra={"error_type": type(error).__name__})
            return None
        return cached["hours"]

    def _median_callback_hours(self):
        recent = self.filter(
            first_contacted_at__gte=timezone.now() - CALLBACK_WINDOW, business_seconds_to_contact__isnull=False
        ).order_by()
        if has_percentile_cont():
            figures = recent.aggregate(n=Count("pk"), median=PercentileCont(0.5, "business_seconds_to_contact"))
            contacted, median = figures["n"], figures["median"]
        else:
            waits = sorted(recent.values_list("business_seconds_to_contact", flat=True))
            contacted, median = len(waits), percentile(waits, 0.5)
        if contacted < CALLBACK_MIN_CONTACTED:
            return None
        # "Within 0 business hours" promises the impossible: a contact takes at least an hour.
        return max(1, math.ceil(median / 3600))

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

    def waitlisted(self):
        """On the waitlist: the visit is scheduled and the patient asked for an earlier time."""
        return self.filter(status=Status.SCHEDULED, visit_at__isnull=False).exclude(earlier_time="")

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
    "insurance",
    "message",
    "earlier_time",
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
    # Blank for requests sent before the form asked.
    insurance = models.CharField("will use health insurance", max_length=10, choices=Insurance.choices, blank=True)
    message = models.TextField("message", max_length=500, blank=True)
    # Blank: not on the waitlist (and for requests sent before the form asked).
    earlier_time = models.CharField(
        "call me if an earlier time opens", max_length=15, choices=EarlierTime.choices, blank=True
    )
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
    # The visit version whose confirmation, update or cancellation went out: the mail queue's
    # safety net sends it again while this lags behind visit_sequence.
    visit_email_sent_for = models.PositiveIntegerField("visit e-mail sent for version", null=True, blank=True)
    # The patient's answer through the link in their e-mail; needs_attention is the flag the
    # queue shows until staff next move the request.
    patient_choice = models.CharField("patient's choice", max_length=20, choices=PatientChoice.choices, blank=True)
    patient_choice_at = models.DateTimeField("patient chose at", null=True, blank=True)
    needs_attention = models.BooleanField("patient replied", default=False)
    # Rises with every save: a page older than the last change cannot save over it (stale_pages.py).
    version = models.PositiveIntegerField("version", default=0, editable=False)

    # The Good Faith Estimate clock (good_faith_estimate.py): the due date is set when the visit
    # is scheduled, or when staff mark that the patient asked for an estimate.
    estimate_requested = models.BooleanField(
        "patient asked for a Good Faith Estimate", default=False, help_text="Set with the action of that name."
    )
    estimate_due_on = models.DateField("Good Faith Estimate due by", null=True, blank=True, editable=False)
    estimate_sent_at = models.DateTimeField("Good Faith Estimate sent", null=True, blank=True, editable=False)
    estimate_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="Good Faith Estimate sent by",
    )

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
        self.version += 1
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
        """Status changes are checked by the workflow (workflow.py: move_to, and the admin's
        form for a correction by hand); a closed request always says why."""
        super().clean()
        if self.status == Status.CLOSED and not self.closing_reason:
            raise ValidationError({"closing_reason": CLOSING_REASON_NEEDED})

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

    @property
    def visit_in_calendar(self):
        return in_calendar(self.status, self.closing_reason, self.visit_at)

    def _stored_status(self, lock=False):
        rows = type(self).objects.filter(pk=self.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("status", flat=True).first()

    @property
    def needs_estimate(self):
        """The patient has the right to a Good Faith Estimate: no insurance (or not sure), or asked."""
        return self.insurance in ESTIMATE_ANSWERS or self.estimate_requested

    def start_estimate_clock(self, now=None):
        """Set the estimate's due date for the booked visit, from today (clinic date); an estimate
        already sent stays as it was. Saved by the caller."""
        if self.estimate_sent_at is None:
            self.estimate_due_on = due_date_for(self, now)

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


class VisitLink(models.Model):
    """One link sent to the patient for a visit, kept as the digest of its token (visit_tokens.py)."""

    appointment_request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    visit_sequence = models.PositiveIntegerField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "visit link"

    def __str__(self):
        return f"link for {self.appointment_request_id} (visit version {self.visit_sequence})"


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


class FreedTimeQuerySet(models.QuerySet):
    def open(self):
        """Not claimed yet (whether or not its offers can still be claimed)."""
        return self.filter(claimed_by__isnull=True)

    def with_visit_booked(self):
        """Annotated with `visit_booked`: a visit stands at the time now (given by phone)."""
        standing = AppointmentRequest.objects.filter(
            AppointmentRequest.objects.visit_stands_condition(),
            visit_at=OuterRef("at"),
            visit_office=OuterRef("office"),
        )
        return self.annotate(visit_booked=Exists(standing))

    def offerable(self, now=None):
        """Offers may still go out: not claimed, nobody booked there since, and the offers'
        closing time still ahead."""
        closes = datetime.timedelta(hours=settings.APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS)
        return self.open().with_visit_booked().filter(visit_booked=False, at__gt=(now or timezone.now()) + closes)

    def record(self, office_id, at, freed_by, now=None):
        """Record that the visit at `office_id` and `at` no longer holds its time, and return the
        open freed time for it, or None when nobody could be offered it. workflow.move_to calls
        it for every move that ends or moves a booked visit, so no path (staff, the patient's
        link, a claim) forgets.

        Nobody could be offered a time whose offers would already be closed (in the past, or less
        than APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS ahead), nor one another visit still stands at
        (an office time holds one visit, as waitlist.time_given_by_phone says). A time freed again
        before anyone claimed it keeps its one open row, from when it was first freed: two open
        rows for one time could be claimed by two patients at once (the partial unique constraint).
        """
        now = now or timezone.now()
        if FreedTime.offers_close_for(at) <= now or FreedTime.visit_booked_at(office_id, at):
            return None
        found = self.open().filter(office=office_id, at=at).first()
        if found is not None:
            return found
        try:
            # A savepoint: a concurrent recording of the same time leaves this transaction usable.
            with transaction.atomic():
                return self.create(office_id=office_id, at=at, freed_by=freed_by, freed_at=now)
        except IntegrityError:
            return self.open().filter(office=office_id, at=at).first()


class FreedTime(models.Model):
    """A visit time freed by a cancellation or a move, which the waitlist may refill
    (waitlist.py). The first patient to claim it through an offer gets it: claims lock this row.
    Recorded by every move that ends or moves a booked visit (FreedTimeQuerySet.record)."""

    office = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+", verbose_name="office")
    at = models.DateTimeField("time")
    freed_by = models.ForeignKey(
        AppointmentRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="freed by the visit of",
    )
    freed_at = models.DateTimeField("freed", default=timezone.now)
    claimed_by = models.ForeignKey(
        AppointmentRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="claimed by",
    )
    claimed_at = models.DateTimeField("claimed", null=True, blank=True)

    objects = FreedTimeQuerySet.as_manager()

    class Meta:
        ordering = ["-freed_at"]
        verbose_name = "freed time"
        verbose_name_plural = "freed times"
        constraints = [
            # One open row per office time: claims lock the row, so two open rows could each
            # give the same time to a different patient.
            models.UniqueConstraint(
                fields=["office", "at"], condition=Q(claimed_by__isnull=True), name="one_open_freed_time"
            ),
        ]
        # The reports group freed times by the week they were freed.
        indexes = [models.Index(fields=["freed_at"], name="freed_time_freed_at")]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} · {self.office}"

    @staticmethod
    def offers_close_for(at):
        """Offers of a time stop working APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS before it."""
        return at - datetime.timedelta(hours=settings.APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS)

    @property
    def offers_close_at(self):
        return self.offers_close_for(self.at)

    @staticmethod
    def visit_booked_at(office, at):
        """A visit stands at this office and time (given by phone, moved there, or claimed)."""
        return (
            AppointmentRequest.objects.filter(AppointmentRequest.objects.visit_stands_condition())
            .filter(visit_at=at, visit_office=office)
            .exists()
        )


class WaitlistOffer(models.Model):
    """A freed time offered to one waitlisted request, through an opaque link kept as the digest
    of its token (as VisitLink: visit_tokens.py). It expires a set time before the freed time."""

    freed_time = models.ForeignKey(FreedTime, on_delete=models.CASCADE, related_name="offers")
    appointment_request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    offered_at = models.DateTimeField("offered", default=timezone.now)
    expires_at = models.DateTimeField("expires")

    class Meta:
        ordering = ["-offered_at"]
        verbose_name = "waitlist offer"
        constraints = [
            models.UniqueConstraint(fields=["freed_time", "appointment_request"], name="one_offer_per_freed_time"),
        ]
        indexes = [models.Index(fields=["appointment_request", "offered_at"], name="offer_request_offered")]

    def __str__(self):
        return f"offer to {self.appointment_request_id} of {self.freed_time_id}"
