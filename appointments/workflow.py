"""The front desk's workflow: which status may follow which, and move_to(), the one way a
request's status changes (admin actions and form, commands, the patient's link, a waitlist
claim, the shell). It imports the models and the task queue, so the models import neither.

Because every move passes here, so does the waitlist's record of freed times: a move that ends
a booked visit or moves it elsewhere frees its old time (FreedTime.objects.record), whoever made
it. Asking for another time through the link frees nothing yet: the visit stays booked until
the front desk moves or cancels it (the patient may keep it after the call)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import CLOSING_REASON_NEEDED, ClosingReason, FreedTime, PatientChoice, Status, in_calendar
from .tasks import emails_after_move

# The status each of the patient's choices moves the request to: a cancelled visit, or back to
# the front desk to call (the visit stays in the patient's calendar until it is rebooked).
PATIENT_MOVES = {PatientChoice.CANCELLED: Status.VISIT_CANCELLED, PatientChoice.ANOTHER_TIME: Status.CONTACTED}

# Which status may follow which as the front desk works forward. Going back is a correction
# made by hand on one request's page (see move_to), never back to new.
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


def move_to(appointment_request, status, by, closing_reason="", correction=False, visit=None, patient_choice=""):
    """Move the request along the workflow and save it.

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
    with transaction.atomic():
        stored = appointment_request._stored_status(lock=True)
        if stored is None:
            raise IllegalMove({"status": "This request no longer exists."})
        check_move(appointment_request, stored, status, closing_reason, correction, visit, patient_choice)
        if status == Status.SCHEDULED and visit is None:
            visit = appointment_request.visit  # a correction that keeps the booked visit
        held = (
            type(appointment_request)
            .objects.filter(pk=appointment_request.pk)
            .values_list("status", "closing_reason", "visit_at", "visit_office")
            .get()
        )
        held_status, held_reason, held_at, held_office = held
        booked = in_calendar(held_status, held_reason, held_at)
        after = visit.at if visit else appointment_request.visit_at
        # Every move that takes a booked visit out of the patient's calendar cancels it there.
        ends_visit = booked and not in_calendar(status, closing_reason, after)
        moves_visit = booked and visit is not None and (visit.at, visit.office.pk) != (held_at, held_office)
        if ends_visit or (
            status in (Status.SCHEDULED, Status.VISIT_CANCELLED) and appointment_request.visit_at is not None
        ):
            appointment_request.visit_sequence += 1  # calendars replace the event they hold
        if visit:
            appointment_request.visit_at, appointment_request.visit_office = visit.at, visit.office
            appointment_request.reminder_sent_at = None
            appointment_request.start_estimate_clock()
        if patient_choice:
            appointment_request.patient_choice, appointment_request.patient_choice_at = patient_choice, timezone.now()
        else:
            appointment_request.handled_by = by
        appointment_request.needs_attention = bool(patient_choice)
        appointment_request.status = status
        appointment_request.closing_reason = closing_reason
        appointment_request.save()
        if ends_visit or moves_visit:
            # After the save: this request no longer stands at its old time.
            FreedTime.objects.record(held_office, held_at, appointment_request)
        emails_after_move(appointment_request, patient_choice, ends_visit)


def check_move(
    appointment_request, current, status, closing_reason="", correction=False, visit=None, patient_choice=""
):
    """Raise IllegalMove unless the workflow lets a request go from `current` to `status`."""
    if status not in Status.values:
        raise IllegalMove({"status": f"There is no status “{status}”."})
    label, current_label = Status(status).label.lower(), Status(current).label.lower()
    if patient_choice:
        # The visit must still stand: scheduled, or closed as booked (the link still works).
        standing = current == Status.SCHEDULED or (current == Status.CLOSED and appointment_request.visit_is_on)
        if not standing or PATIENT_MOVES.get(patient_choice) != status:
            raise IllegalMove({"status": "This visit can no longer be changed from the link."})
        return
    if status == Status.SCHEDULED:
        if visit is None and not (correction and appointment_request.visit_at):
            raise IllegalMove({"status": "Use the “Schedule visit” action to set the visit's date, time and office."})
        if visit and (problem := visit.problem()):
            raise IllegalMove({"visit": problem})
    if status == current and not (status == Status.SCHEDULED and visit):
        raise IllegalMove({"status": f"This request is already {label}."})
    if status == Status.NEW:
        raise IllegalMove({"status": "A request that has been handled cannot go back to new."})
    if not correction and status not in NEXT_STATUSES[current]:
        raise IllegalMove({"status": f"This request is already {current_label}: change it to {label} on its own page."})
    if status == Status.CLOSED and closing_reason not in ClosingReason.values:
        raise IllegalMove({"closing_reason": CLOSING_REASON_NEEDED})
