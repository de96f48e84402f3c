"""The front desk's work queue. Staff read the patient's answers, call back, and record what
happened; they never edit what the patient wrote. Bulk actions save row by row and write a
history entry for each, since queryset.update() would leave no trace of who did what.
"""

import csv
import datetime
import logging

import phonenumbers
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join

from clinic_site.spreadsheet import spreadsheet_safe
from locations.models import Location
from staff.audit import ReadsRecorded, record
from staff.models import AccessRecord

from .front_desk import CallListFilter, FrontDeskAdmin, TakenFilter, VisitFilter
from .models import (
    PATIENT_FIELDS,
    REFERENCE_LENGTH,
    AppointmentRequest,
    ClosingReason,
    IllegalMove,
    Status,
    Visit,
    normalize_reference,
)
from .reports import PRESET_WEEKS, ReportForm, build_report, headline, previous_range, report_charts, write_csv

logger = logging.getLogger(__name__)

# The phone as staff dial it (formatted), and what the form records beside the answers.
PATIENT_ANSWERS = [
    *("phone_number" if name == "phone" else name for name in PATIENT_FIELDS),
    "language",
    "consented_at",
]
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


def clinic_datetime(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


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
    list_filter = [
        CallListFilter,
        TakenFilter,
        "callback_language",
        VisitFilter,
        "status",
        "location",
        OverdueFilter,
        NeedsAttentionFilter,
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
    actions = ["mark_contacted", "mark_scheduled", "mark_visit_cancelled", "close_requests", "export_csv"]
    # The patient's answers first: the call starts from them (the page's header sums them up).
    fieldsets = [
        ("The patient's answers", {"fields": PATIENT_ANSWERS}),
        ("Front desk", {"fields": ["status", "closing_reason", "staff_notes", "taken_by"]}),
        ("Visit", {"fields": VISIT + ["cancelled_by", "needs_attention"]}),
        ("Call attempts", {"fields": ["attempts"]}),
        ("Record", {"fields": RECORD[:-1], "classes": ["collapse"]}),
        ("Read by", {"fields": ["access_history"], "classes": ["collapse"]}),
    ]
    # "Cancelled by" stays editable: a cancellation made before it was asked (the list's bulk
    # action) can still be marked as the patient's, for the reports.
    readonly_fields = PATIENT_ANSWERS + RECORD + VISIT + ["taken_by", "attempts"]
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

    @admin.display(description="Patient", ordering="last_name")
    def patient_name(self, obj):
        return obj.patient_name

    @admin.display(description="Phone", ordering="phone")
    def phone_number(self, obj):
        return obj.phone_display

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
        if "status" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # The form's clean() already checked the move; it is refused here only if someone else
        # moved the request in between.
        try:
            obj.move_to(obj.status, by=request.user, closing_reason=obj.closing_reason, correction=True)
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

    # --- reports -------------------------------------------------------------------------

    def get_urls(self):
        # Through admin_view, so the reports get whatever protection the admin site has.
        reports = [
            path("reports/", self.admin_site.admin_view(self.reports_view), name="appointments_reports"),
            path("reports/csv/", self.admin_site.admin_view(self.reports_csv), name="appointments_reports_csv"),
        ]
        return reports + super().get_urls()

    def _report(self, request):
        """The form and its report (None when the form is invalid). Aggregates only: no patient
        is identified, so no access record is written. Staff who may see requests only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportForm(request.GET or None)
        if not form.is_bound:
            form = ReportForm({})
        if not form.is_valid():
            return form, None
        return form, build_report(form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["office"])

    def reports_view(self, request):
        form, report = self._report(request)
        office = request.GET.get("office", "")
        context = {
            **self.admin_site.each_context(request),
            "title": "Reports",
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "charts": report_charts(report) if report else None,
            "headline": self._headline(form, report) if report else None,
            "presets": [
                (weeks, f"?weeks={weeks}" + (f"&office={office}" if office.isdigit() else "")) for weeks in PRESET_WEEKS
            ],
            "query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "admin/appointments/reports.html", context, status=200 if report else 400)

    @staticmethod
    def _headline(form, report):
        """The four headline figures beside the same figures for the period just before."""
        previous = build_report(*previous_range(report.start, report.end), form.cleaned_data["office"])
        return {"figures": headline(report, previous), "start": previous.start, "end": previous.end}

    def reports_csv(self, request):
        form, report = self._report(request)
        if report is None:
            return self.reports_view(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="appointment-reports-{report.start}-{report.end}.csv"'
        response["Cache-Control"] = "no-store"
        response.write("\ufeff")
        write_csv(report, response, spreadsheet_safe)
        return response

    # --- actions -------------------------------------------------------------------------

    def _move(self, request, queryset, status, closing_reason="", visit=None):
        moved = skipped = 0
        for appointment_request in queryset.select_related(None):
            try:
                appointment_request.move_to(status, by=request.user, closing_reason=closing_reason, visit=visit)
            except IllegalMove:
                skipped += 1
                continue
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
        }
        return TemplateResponse(request, f"admin/appointments/appointmentrequest/{action}.html", context)

    @admin.action(description="Export selected requests as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="appointment-requests-{timezone.localdate()}.csv"'
        response["Cache-Control"] = "no-store"
        # A byte-order mark, so spreadsheet programs read accents (Spanish names) correctly.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(header for header, _value in CSV_COLUMNS)
        rows = list(queryset.select_related("location", "visit_office", "handled_by").order_by("created_at", "pk"))
        record(request, AccessRecord.Action.EXPORTED, [row.reference for row in rows], f"{len(rows)} exported")
        for row in rows:
            writer.writerow(spreadsheet_safe(value(row)) for _header, value in CSV_COLUMNS)
        # Who took patient data out of the system, for the audit trail; no patient data here.
        logger.info("appointment requests exported", extra={"user_id": request.user.pk, "count": len(rows)})
        return response
