"""A generated history of appointment requests, for the reports' tests: a year of requests at
both offices, in every status, with waits stamped by the real business-hours rules."""

import datetime
import random

from django.db.models import prefetch_related_objects
from django.utils import timezone

from appointments.models import (
    REFERENCE_ALPHABET,
    AppointmentRequest,
    ClosingReason,
    FreedTime,
    PatientChoice,
    Status,
    WaitlistOffer,
)
from appointments.overdue import first_contact_wait
from locations.models import Location

CLINIC_ZONE = timezone.get_default_timezone()


def distinctive_name(number):
    # Never a word of the page ("Dean", "Drive", "Median"...), so a leak is a certain find.
    return f"Qzx{number:05d}"


def add_estimate(row, rng, now):
    """The insurance answer, and for a booked self-pay visit a Good Faith Estimate due a few days
    after the first contact: sent on time, sent late or not sent yet."""
    row.insurance = rng.choice(["yes", "yes", "self_pay", "not_sure"])
    if row.insurance == "yes" or row.first_contacted_at is None:
        return
    if row.status not in (Status.SCHEDULED, Status.VISIT_CANCELLED, Status.CLOSED):
        return
    scheduled_on = timezone.localdate(row.first_contacted_at)
    row.estimate_due_on = scheduled_on + datetime.timedelta(days=rng.choice([1, 3, 5]))
    sent = scheduled_on + datetime.timedelta(days=rng.randint(0, 8))
    sent_at = datetime.datetime.combine(sent, datetime.time(rng.choice([8, 12, 23])), tzinfo=CLINIC_ZONE)
    if rng.random() < 0.8 and sent_at <= now:
        row.estimate_sent_at = sent_at


def generate_requests(count, seed=16, days=365, now=None):
    """`count` requests received over the `days` before `now`, stored with their status times
    and waits as the site would have stamped them. Returns the stored rows."""
    rng = random.Random(seed)
    now = now or timezone.now()
    offices = list(Location.objects.all())
    prefetch_related_objects(offices, "weekly_hours", "special_dates")
    used = set(AppointmentRequest.objects.values_list("reference", flat=True))
    rows = []
    for number in range(count):
        reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        while reference in used:
            reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        used.add(reference)
        created = now - datetime.timedelta(seconds=rng.randint(0, days * 86400))
        office = rng.choice(offices)
        status = rng.choice(
            [Status.NEW, Status.CONTACTED, Status.SCHEDULED, Status.VISIT_CANCELLED] + [Status.CLOSED] * 4
        )
        contacted = None
        if status != Status.NEW and rng.random() < 0.9:
            contacted = created + datetime.timedelta(minutes=rng.randint(1, 7 * 24 * 60) ** 2 // (7 * 24 * 60))
            contacted = min(contacted, now)
        if status in (Status.CONTACTED, Status.SCHEDULED, Status.VISIT_CANCELLED) and contacted is None:
            contacted = min(created + datetime.timedelta(hours=3), now)
        row = AppointmentRequest(
            reference=reference,
            first_name=distinctive_name(number),
            last_name=distinctive_name(count + number),
            phone=f"+1915555{number % 10000:04d}",
            email="",
            location=office,
            preferred_date=created.date() + datetime.timedelta(days=3),
            preferred_time=rng.choice(["morning", "afternoon", "any"]),
            patient_kind=rng.choice(["new", "returning"]),
            reason=rng.choice(["restless_legs", "veins", "leg_pain", "other"]),
            message=f"Message {distinctive_name(number)}",
            contact_method="phone",
            callback_language=rng.choice(["en", "es"]),
            language=rng.choice(["en", "es"]),
            consented_at=created,
            status=status,
            closing_reason=rng.choice(ClosingReason.values) if status == Status.CLOSED else "",
            # A cancelled visit: by the patient through their link, or by the front desk.
            patient_choice=rng.choice([PatientChoice.CANCELLED, ""]) if status == Status.VISIT_CANCELLED else "",
            created_at=created,
            first_contacted_at=contacted,
            closed_at=min(created + datetime.timedelta(days=2), now) if status == Status.CLOSED else None,
        )
        if contacted:
            row.business_seconds_to_contact, row.contacted_within_business_day = first_contact_wait(
                office, created, contacted
            )
        add_estimate(row, rng, now)
        rows.append(row)
    received = [row.created_at for row in rows]
    stored = AppointmentRequest.objects.bulk_create(rows, batch_size=500)
    # bulk_create stamps created_at "now" (auto_now_add): put back each row's own moment.
    for row, moment in zip(stored, received, strict=True):
        row.created_at = moment
    AppointmentRequest.objects.bulk_update(stored, ["created_at"], batch_size=500)
    return stored


def generate_freed_times(count, requests, seed=28, days=365, now=None):
    """`count` freed times over the `days` before `now` at both offices, some offered to a few of
    `requests` and some claimed by one of them, whole minutes after being freed. Returns them."""
    rng = random.Random(seed)
    now = now or timezone.now()
    offices = list(Location.objects.all())
    times = []
    for number in range(count):
        freed_at = (now - datetime.timedelta(seconds=rng.randint(0, days * 86400))).replace(microsecond=0)
        claimed_at = freed_at + datetime.timedelta(minutes=rng.randint(5, 3 * 24 * 60))
        claimed = rng.random() < 0.4 and claimed_at <= now
        times.append(
            FreedTime(
                office=rng.choice(offices),
                # Each its own time: one open row per office time.
                at=freed_at + datetime.timedelta(days=3, minutes=number),
                freed_at=freed_at,
                claimed_by=rng.choice(requests) if claimed else None,
                claimed_at=claimed_at if claimed else None,
            )
        )
    stored = FreedTime.objects.bulk_create(times, batch_size=500)
    offers = [
        WaitlistOffer(
            freed_time=freed,
            appointment_request=patient,
            digest=f"{freed.pk:032x}{patient.pk:032x}",
            offered_at=freed.freed_at,
            expires_at=freed.at,
        )
        for freed in stored
        if freed.claimed_by_id or rng.random() < 0.5
        for patient in rng.sample(requests, rng.randint(1, 4))
    ]
    WaitlistOffer.objects.bulk_create(offers, batch_size=500)
    return stored
