"""The front desk's work queue. Staff read the patient's answers, call back, and record what
happened; they never edit what the patient wrote. Bulk actions save row by row and write a
history entry for each, since queryset.update() would leave no trace of who did what.
"""

import datetime
import logging

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from core.spreadsheet import csv_response
from locations.models import Location
from staff.audit import ReadsRecorded, record
from staff.models import AccessRecord

from . import offer_mail, waitlist
from .formats import clinic_datetime
from .front_desk import CallListFilter, FrontDeskAdmin, TakenFilter, VisitFilter, clinic_moment
from .models import (
    PATIENT_FIELDS,
    REFERENCE_LENGTH,
    AppointmentRequest,
    ClosingReason,
    FreedTime,
    Status,
    Visit,
    WaitlistOffer,
    normalize_reference,
)
from .stale_pages import LEFT_AS_IT_WAS, changed_since, seen_token, stale_message, tokens_by_request
from .workflow import IllegalMove, check_move, move_to

logger = logging.getLogger(__name__)

# The phone as staff dial it (formatted), and what the form records beside the answers.
PATIENT_ANSWERS = [
    *("phone_number" if name == "phone" else name for name in PATIENT_FIELDS),
    "language",
    "consented_at",
]
ESTIMATE = ["estimate", "estimate_requested", "estimate_sent_at", "estimate_sent_by"]
VISIT = ["visit_at", "visit_office", "visit_sequence", "reminder_sent_at", "patient_choice", "patient_choice_at"]
RECORD = [
    "reference_code",
    "received",
    "handled_by",
    "first_contacted_at",
    "closed_at",
    "updated_at",
    "staff_notified_at",
    "receipt_sent_at",
    "unsent_email",
    "access_history",
]


# The export: one (header, value) pair a column, in the order staff read a request.
CSV_COLUMNS = [
    ("Reference", lambda row: row.display_reference),
    ("Received", lambda row: clinic_datetime(row.created_at)),
    ("First name", lambda row: row.first_name),
    ("Last name", lambda row: row.last_name),
    ("Phone", lambda row: row.phone_display),
    ("Email", lambda row: row.email),
    ("Office", lambda row: row.location.name),
    ("Preferred date", lambda row: row.preferred_date.isoformat()),
    ("Preferred time", lambda row: row.get_preferred_time_display()),
    ("New or returning", lambda row: row.get_patient_kind_display()),
    ("Reason", lambda row: row.get_reason_display()),
    ("Message", lambda row: row.message),
    ("Contact by", lambda row: row.get_contact_method_display()),
    ("Call back in", lambda row: row.get_callback_language_display()),
    ("Status", lambda row: row.get_status_display()),
    ("Closing reason", lambda row: row.get_closing_reason_display()),
    ("First contacted", lambda row: clinic_datetime(row.first_contacted_at)),
    ("Staff notes", lambda row: row.staff_notes),
    # The visit, so the export serves as the day's sheet too.
    ("Visit date", lambda row: timezone.localtime(row.visit_at).date().isoformat() if row.visit_at else ""),
    ("Visit time", lambda row: timezone.localtime(row.visit_at).strftime("%H:%M") if row.visit_at else ""),
    ("Visit office", lambda row: row.visit_office.name if row.visit_office else ""),
    ("Handled by", lambda row: row.handled_by.get_username() if row.handled_by else ""),
]


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (new after one business day)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


class EstimateFilter(admin.SimpleListFilter):
    """Good Faith Estimates still to send for a standing visit (good_faith_estimate.py)."""

    title = "Good Faith Estimate"
    parameter_name = "estimate"

    def lookups(self, request, model_admin):
        return [("due", "GFE due"), ("overdue", "GFE overdue")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.estimates_due()
        if self.value() == "overdue":
            return queryset.estimates_overdue()
        return queryset


class PreferredDateFilter(admin.SimpleListFilter):
    """The preferred date looks ahead, unlike Django's date filter (today, past 7 days...)."""

    title = "preferred date"
    parameter_name = "preferred"

    def lookups(self, request, model_admin):
        return [("today", "Today"), ("tomorrow", "Tomorrow"), ("week", "Next 7 days"), ("past", "In the past")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        ranges = {
            "today": Q(preferred_date=today),
            "tomorrow": Q(preferred_date=today + datetime.timedelta(days=1)),
            "week": Q(preferred_date__gte=today, preferred_date__lt=today + datetime.timedelta(days=7)),
            "past": Q(preferred_date__lt=today),
        }
        if self.value() in ranges:
            return queryset.filter(ranges[self.value()])
        return queryset


class RequestChangeForm(forms.ModelForm):
    """The change page's form, carrying what the page showed (stale_pages.py): a save from a page
    older than the request's last change (the patient cancelled meanwhile) is refused."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen"].initial = seen_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        payload = tokens_by_request([self.data.get(self.add_prefix("seen"), "")]).get(self.instance.pk)
        if what := changed_since(payload, self.instance):
            raise forms.ValidationError(stale_message(self.instance, what), code="stale")
        return cleaned


class CloseRequestsForm(forms.Form):
    closing_reason = forms.ChoiceField(label="Closing reason", choices=ClosingReason.choices)


class ScheduleVisitForm(forms.Form):
    """The visit's date, time and office, in clinic time, checked against the office's hours."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    office = forms.ModelChoiceField(label="Office", queryset=Location.objects.all())

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(name) for name in ("date", "time", "office")):
            self.visit = Visit.at_clinic_time(cleaned["date"], cleaned["time"], cleaned["office"])
            if problem := self.visit.problem():
                raise forms.ValidationError(problem)
        return cleaned


class AppointmentRequestForm(RequestChangeForm):
    """A status changed on a request's page is a correction by hand: the workflow checks it,
    from the status stored now."""

    def clean(self):
        cleaned = super().clean()
        stored = self.instance._stored_status() if self.instance.pk else None
        status = cleaned.get("status")
        if stored and status and status != stored:
            check_move(self.instance, stored, status, cleaned.get("closing_reason", ""), correction=True)
        return cleaned


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("replied", "The patient replied"), ("unsent", "An e-mail was not sent")]

    def queryset(self, request, queryset):
        if self.value() == "replied":
            return queryset.filter(needs_attention=True)
        if self.value() == "unsent":
            return queryset.exclude(unsent_email="")
        return queryset


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(FrontDeskAdmin, ReadsRecorded, admin.ModelAdmin):
    # Who to call and how first; merged columns so the list fits a 1366 px office screen
    # (the columns themselves are in front_desk.py).
    list_display = [
        "patient",
        "phone_link",
        "preferred_when",
        "reason_text",
        "office_or_visit",
        "status_flags",
        "received_waiting",
        "last_attempt",
        "who_has_it",
    ]
    list_display_links = ["patient"]
    form = AppointmentRequestForm
    list_filter = [
        CallListFilter,
        TakenFilter,
        "callback_language",
        VisitFilter,
        "status",
        "location",
        OverdueFilter,
        NeedsAttentionFilter,
        EstimateFilter,
        PreferredDateFilter,
        ("created_at", admin.DateFieldListFilter),
        "patient_kind",
    ]
    list_select_related = ["location", "visit_office", "taken_by"]
    list_per_page = 50
    # "50 results (Show all)" rather than a second count of the whole table on every page view,
    # which grows with the table (bench/RESULTS.md).
    show_full_result_count = False
    search_fields = ["reference", "first_name", "last_name", "phone", "email"]
    search_help_text = "Reference (with or without the dash), name, phone or email."
    actions = [
        "mark_contacted",
        "mark_scheduled",
        "mark_visit_cancelled",
        "offer_freed_time",
        "close_requests",
        "mark_estimate_requested",
        "mark_estimate_sent",
        "export_csv",
    ]
    # The patient's answers first: the call starts from them (the page's header sums them up).
    fieldsets = [
        ("The patient's answers", {"fields": PATIENT_ANSWERS}),
        ("Front desk", {"fields": ["status", "closing_reason", "staff_notes", "taken_by", "seen"]}),
        ("Visit", {"fields": VISIT + ["cancelled_by", "needs_attention"]}),
        ("Good Faith Estimate", {"fields": ESTIMATE}),
        ("Call attempts", {"fields": ["attempts"]}),
        ("Record", {"fields": RECORD[:-1], "classes": ["collapse"]}),
        ("Read by", {"fields": ["access_history"], "classes": ["collapse"]}),
    ]
    # "Cancelled by" stays editable: a cancellation made before it was asked (the list's bulk
    # action) can still be marked as the patient's, for the reports.
    readonly_fields = PATIENT_ANSWERS + RECORD + VISIT + ESTIMATE + ["taken_by", "attempts"]
    # Every page showing requests records which ones in the access record (staff/audit.py).
    access_reference_field = "reference"

    class Media:
        css = {"all": ["appointments/admin.css"]}

    # --- columns -------------------------------------------------------------------------

    @admin.display(description="Reference", ordering="reference")
    def reference_code(self, obj):
        return obj.display_reference

    @admin.display(description="Received", ordering="created_at")
    def received(self, obj):
        return clinic_datetime(obj.created_at)

    @admin.display(description="Phone", ordering="phone")
    def phone_number(self, obj):
        return obj.phone_display

    @admin.display(description="Good Faith Estimate")
    def estimate(self, obj):
        """The estimate's clock: due, overdue (text and symbol, not colour alone) or sent."""
        if obj.estimate_sent_at:
            return f"Estimate sent {clinic_datetime(obj.estimate_sent_at)}"
        if obj.estimate_due_on is None or not obj.visit_is_on:
            return ""
        due = date_format(obj.estimate_due_on, "D, M j, Y")
        if obj.estimate_due_on < timezone.localdate():
            return format_html('<span class="overdue-badge">{}</span>', f"⚠ Good Faith Estimate overdue: due by {due}")
        return f"Good Faith Estimate due by {due}"

    # --- permissions and saving ---------------------------------------------------------

    def has_add_permission(self, request):
        # Requests come from patients through the form only.
        return False

    @admin.display(description="Read by")
    def access_history(self, obj):
        accesses = AccessRecord.objects.filter(reference=obj.reference)[:20]
        return (
            format_html_join(
                "\n",
                "<div>{} · {} · {}</div>",
                ((access.get_action_display(), access.username, clinic_datetime(access.at)) for access in accesses),
            )
            or "Nobody yet"
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            # The form checked the page against the request; again here under the row's lock,
            # for a change that landed in between.
            stored = AppointmentRequest.objects.select_for_update().get(pk=obj.pk)
            payload = tokens_by_request([form.cleaned_data.get("seen", "")]).get(obj.pk)
            if what := changed_since(payload, stored):
                self.message_user(request, stale_message(stored, what), messages.ERROR)
                return
            obj.version = stored.version
            self._save_change(request, obj, form, change)

    def _save_change(self, request, obj, form, change):
        if "status" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # The form's clean() already checked the move; it is refused here only if someone else
        # moved the request in between.
        try:
            move_to(obj, obj.status, by=request.user, closing_reason=obj.closing_reason, correction=True)
        except IllegalMove as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        exact = Q()
        reference = normalize_reference(search_term)
        if len(reference) == REFERENCE_LENGTH:
            exact |= Q(reference=reference)
        phone = self._phone_in(search_term)
        if phone:
            exact |= Q(phone=phone)
        if exact:
            found = found | queryset.filter(exact)
        return found, may_have_duplicates

    @staticmethod
    def _phone_in(search_term):
        """Staff type numbers as they hear them ("915-555-0123"); they are stored as +19155550123."""
        try:
            number = phonenumbers.parse(search_term.strip(), "US")
        except phonenumbers.NumberParseException:
            return ""
        if not phonenumbers.is_valid_number(number):
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    # --- actions -------------------------------------------------------------------------

    def _move(self, request, queryset, status, closing_reason="", visit=None):
        moved = skipped = 0
        seen = tokens_by_request(request.POST.getlist("_seen"))
        for appointment_request in queryset.select_related(None):
            try:
                with transaction.atomic():
                    stored = AppointmentRequest.objects.select_for_update().get(pk=appointment_request.pk)
                    if what := changed_since(seen.get(stored.pk), stored):
                        self.message_user(request, stale_message(stored, what, LEFT_AS_IT_WAS), messages.ERROR)
                        continue
                    move_to(stored, status, by=request.user, closing_reason=closing_reason, visit=visit)
            except (IllegalMove, AppointmentRequest.DoesNotExist):
                skipped += 1
                continue
            appointment_request = stored
            changed = ["Status", "Handled by"] + (["Closing reason"] if closing_reason else [])
            changed += ["Visit", "Visit office"] if visit else []
            self.log_change(request, appointment_request, [{"changed": {"fields": changed}}])
            moved += 1
        label = Status(status).label.lower()
        self.message_user(request, f"{moved} request(s) marked {label}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} request(s) left as they were: already {label} or further along.", messages.WARNING
            )

    @admin.action(description="Mark selected requests as contacted", permissions=["change"])
    def mark_contacted(self, request, queryset):
        self._move(request, queryset, Status.CONTACTED)

    @admin.action(description="Schedule the visit (or change it)…", permissions=["change"])
    def mark_scheduled(self, request, queryset):
        """Asks for the visit's date, time and office on a second page; the patient is sent a
        confirmation (an update if the visit changes)."""
        offices = {row.location_id for row in queryset}
        initial = {"office": offices.pop()} if len(offices) == 1 else {}
        form = ScheduleVisitForm(request.POST if "apply" in request.POST else None, initial=initial)
        if form.is_valid():
            self._move(request, queryset, Status.SCHEDULED, visit=form.visit)
            return None
        return self._second_page(request, queryset, form, "mark_scheduled", "Schedule the visit", "Schedule")

    @admin.action(description="Mark the visit cancelled", permissions=["change"])
    def mark_visit_cancelled(self, request, queryset):
        """The patient is sent a cancellation that removes the visit from their calendar."""
        self._move(request, queryset, Status.VISIT_CANCELLED)

    @admin.action(description="Offer the cancelled visit's time to the waitlist…", permissions=["change"])
    def offer_freed_time(self, request, queryset):
        """Shows, for each cancelled visit still to come, the waitlisted patients its time could
        suit (waitlist.py), then e-mails an offer to the next batch of them (offer_mail.py)."""
        freed_times = [(row, waitlist.free_time_of(row)) for row in queryset.select_related("visit_office")]
        freed_times = [(row, freed) for row, freed in freed_times if freed is not None]
        if not freed_times:
            self.message_user(request, "None of these requests has a cancelled visit still to come.", messages.WARNING)
            return None
        if "apply" in request.POST:
            for row, freed in freed_times:
                offered = offer_mail.send_offers(freed)
                self.message_user(
                    request,
                    f"{row.display_reference}: the time was offered to {len(offered)} patient(s) by e-mail.",
                    messages.SUCCESS if offered else messages.WARNING,
                )
            return None
        response = self._second_page(
            request,
            queryset,
            forms.Form(),
            "offer_freed_time",
            "Offer the freed time to the waitlist",
            f"Send offers to the next {settings.APPOINTMENT_WAITLIST_BATCH}",
        )
        response.context_data["freed_times"] = [(row, freed, waitlist_candidates(freed)) for row, freed in freed_times]
        shown = [
            candidate for _row, _freed, candidates in response.context_data["freed_times"] for candidate in candidates
        ]
        record_waitlist_read(request, [candidate.reference for candidate in shown], "offer action")
        return response

    @admin.action(description="Close selected requests…", permissions=["change"])
    def close_requests(self, request, queryset):
        """Asks for the closing reason on a second page, as Django's delete action asks to confirm."""
        form = CloseRequestsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._move(request, queryset, Status.CLOSED, closing_reason=form.cleaned_data["closing_reason"])
            return None
        return self._second_page(
            request, queryset, form, "close_requests", "Close appointment requests", "Close requests"
        )

    def _second_page(self, request, queryset, form, action, title, button):
        """An action's page of questions, listing the requests it applies to (references only)."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "button": button,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "seen": request.POST.getlist("_seen"),
        }
        return TemplateResponse(request, f"admin/appointments/appointmentrequest/{action}.html", context)

    @admin.action(description="Mark that the patient asked for a Good Faith Estimate", permissions=["change"])
    def mark_estimate_requested(self, request, queryset):
        """The patient asked (by phone, at the desk): an estimate is due within 3 business days of
        the booked visit's scheduling, or of this mark if the visit is booked already."""
        marked = 0
        for appointment_request in queryset.select_related(None).filter(estimate_requested=False):
            appointment_request.estimate_requested = True
            if appointment_request.visit_is_on:
                appointment_request.start_estimate_clock()
            # Only these columns: a status someone changed meanwhile is not written back.
            appointment_request.save(update_fields=["estimate_requested", "estimate_due_on", "updated_at"])
            self.log_change(request, appointment_request, [{"changed": {"fields": ["Patient asked for an estimate"]}}])
            marked += 1
        self.message_user(request, f"{marked} request(s) marked: the patient asked for an estimate.", messages.SUCCESS)

    @admin.action(description="Mark the estimate sent", permissions=["change"])
    def mark_estimate_sent(self, request, queryset):
        """The estimate was made and sent in the billing system: records who and when."""
        sent = skipped = 0
        for appointment_request in queryset.select_related(None):
            if appointment_request.estimate_sent_at or not appointment_request.needs_estimate:
                skipped += 1
                continue
            appointment_request.estimate_sent_at, appointment_request.estimate_sent_by = timezone.now(), request.user
            appointment_request.save(update_fields=["estimate_sent_at", "estimate_sent_by", "updated_at"])
            self.log_change(request, appointment_request, [{"changed": {"fields": ["Good Faith Estimate sent"]}}])
            sent += 1
        self.message_user(request, f"{sent} estimate(s) marked sent.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} request(s) left as they were: estimate already sent, or the patient uses insurance "
                "and did not ask for one.",
                messages.WARNING,
            )

    @admin.action(description="Export selected requests as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        rows = list(queryset.select_related("location", "visit_office", "handled_by").order_by("created_at", "pk"))
        record(request, AccessRecord.Action.EXPORTED, [row.reference for row in rows], f"{len(rows)} exported")
        # Who took patient data out of the system, for the audit trail; no patient data here.
        logger.info("appointment requests exported", extra={"user_id": request.user.pk, "count": len(rows)})
        return csv_response(
            f"appointment-requests-{timezone.localdate()}.csv",
            [header for header, _value in CSV_COLUMNS],
            ([value(row) for _header, value in CSV_COLUMNS] for row in rows),
        )


# --- The freed times ----------------------------------------------------------------------

# How many of the patients a freed time could suit its pages list, in the order offers go out.
CANDIDATES_SHOWN = 20


def waitlist_candidates(freed_time):
    return list(waitlist.candidates_for(freed_time).select_related("visit_office")[:CANDIDATES_SHOWN])


def record_waitlist_read(request, references, where):
    """A page listing waitlisted patients records them in the access record (staff/audit.py)."""
    if references:
        record(request, AccessRecord.Action.LISTED, dict.fromkeys(references), f"waitlist: {where}")


class FreedTimeStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open: offers can go out"), ("claimed", "Claimed"), ("closed", "Not claimed, closed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.offerable()
        if self.value() == "claimed":
            return queryset.filter(claimed_by__isnull=False)
        if self.value() == "closed":
            return queryset.open().exclude(pk__in=FreedTime.objects.offerable().values("pk"))
        return queryset


@admin.register(FreedTime)
class FreedTimeAdmin(admin.ModelAdmin):
    """The times cancellations and moves freed (recorded by workflow.move_to), and from each one
    the waitlisted patients it could suit and "Send offers to the next N" (offer_mail.py).
    For the front desk: the request admin's permissions, read-only (the record is the workflow's);
    sending needs the permission to change requests. Pages that show patients record them."""

    list_display = ["time", "office", "freed", "offered", "claimed"]
    list_filter = ["office", FreedTimeStateFilter]
    list_select_related = ["office", "claimed_by"]
    list_per_page = 50
    fields = ["time", "office", "freed", "freed_by_reference", "claimed", "offers_close"]
    readonly_fields = fields

    # --- permissions: those of the requests ----------------------------------------------

    def has_module_permission(self, request):
        return request.user.has_perm("appointments.view_appointmentrequest")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("appointments.view_appointmentrequest")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def may_send(request):
        return request.user.has_perm("appointments.change_appointmentrequest")

    # --- columns -------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).with_visit_booked().annotate(offered=Count("offers"))

    @admin.display(description="Time", ordering="at")
    def time(self, obj):
        return clinic_moment(obj.at)

    @admin.display(description="Freed", ordering="freed_at")
    def freed(self, obj):
        return clinic_datetime(obj.freed_at)

    @admin.display(description="Offered to", ordering="offered")
    def offered(self, obj):
        return obj.offered

    @admin.display(description="Claimed")
    def claimed(self, obj):
        """Who claimed it and when (their request's reference), else where it stands."""
        if obj.claimed_by_id:
            link = reverse("admin:appointments_appointmentrequest_change", args=[obj.claimed_by_id])
            return format_html(
                '<a href="{}">{}</a> · {}', link, obj.claimed_by.display_reference, clinic_datetime(obj.claimed_at)
            )
        if obj.visit_booked:
            return "Not claimed: a visit was booked there since"
        if obj.offers_close_at <= timezone.now():
            return "Not claimed: offers closed"
        return "Open"

    @admin.display(description="Freed by the visit of")
    def freed_by_reference(self, obj):
        if obj.freed_by_id is None:
            return "—"
        link = reverse("admin:appointments_appointmentrequest_change", args=[obj.freed_by_id])
        return format_html('<a href="{}">{}</a>', link, obj.freed_by.display_reference)

    @admin.display(description="Offers close")
    def offers_close(self, obj):
        return clinic_datetime(obj.offers_close_at)

    # --- the pages -----------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send-offers/",
                self.admin_site.admin_view(self.send_offers_view),
                name="appointments_freedtime_send_offers",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            shown = [obj.claimed_by.reference for obj in changelist.result_list if obj.claimed_by_id]
            record_waitlist_read(request, shown, "freed times listed")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied  # before reading who the time could suit
        freed_time = self.get_object(request, object_id)
        extra = {}
        if freed_time is not None:
            offerable = FreedTime.objects.offerable().filter(pk=freed_time.pk).exists()
            offers = list(
                WaitlistOffer.objects.filter(freed_time=freed_time)
                .select_related("appointment_request__visit_office")
                .order_by("offered_at", "pk")
            )
            candidates = waitlist_candidates(freed_time) if offerable else []
            extra = {
                "offers": offers,
                "candidates": candidates,
                "offerable": offerable,
                "may_send": offerable and self.may_send(request),
                "batch": settings.APPOINTMENT_WAITLIST_BATCH,
            }
        response = super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})
        if response.status_code == 200 and freed_time is not None:
            people = [offer.appointment_request for offer in extra["offers"]] + extra["candidates"]
            people += [row for row in (freed_time.freed_by, freed_time.claimed_by) if row is not None]
            record_waitlist_read(request, [row.reference for row in people], f"freed time {freed_time.pk}")
        return response

    def send_offers_view(self, request, object_id):
        """Offers the time to the next batch (offer_mail.send_offers) and returns to its page."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:appointments_freedtime_change", args=[object_id]))
        if not self.may_send(request):
            raise PermissionDenied
        freed_time = get_object_or_404(FreedTime, pk=object_id if str(object_id).isdigit() else None)
        offered = offer_mail.send_offers(freed_time)
        if offered:
            self.log_change(request, freed_time, f"Offered to {len(offered)} patient(s) by e-mail.")
            self.message_user(
                request, f"The time was offered to {len(offered)} patient(s) by e-mail.", messages.SUCCESS
            )
        else:
            self.message_user(
                request,
                "No offer sent: the time is taken or too near, or no patient with an e-mail address is left "
                "to offer it to.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:appointments_freedtime_change", args=[freed_time.pk]))
