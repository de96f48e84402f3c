"""The front desk's day in the request admin: the call list, who has which request, the call on
one screen with its actions (no answer, schedule, cancel, close), and the day sheet.

A mixin for AppointmentRequestAdmin, so admin.py keeps the columns, filters and bulk actions
and this module the one-request work. Every move goes through workflow.move_to (the
workflow's rules stay there); every page that shows patients records the read (staff/audit.py).
No patient data goes into a URL: the views take a request's pk and redirect to its page.
"""

import copy
import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince

from core.spreadsheet import csv_response
from locations.hours import hours_on
from locations.models import Location
from staff.audit import record
from staff.models import AccessRecord

from .models import (
    AppointmentRequest,
    CallAttempt,
    CancelledBy,
    ClosingReason,
    Status,
    Visit,
)
from .stale_pages import changed_since, seen_token, stale_message, tokens_by_request
from .workflow import IllegalMove, move_to

# The call list's order: overdue first, then patients who replied, then the oldest.
OVERDUE, REPLIED, WAITING = 0, 1, 2
# How many of the most urgent patients the admin index shows, each with their phone.
NEXT_ON_INDEX = 3


def clinic_moment(moment):
    """ "Tue, Dec 1, 9:30 AM" on the clinic's clock."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'D, M j')}, {date_format(local, 'TIME_FORMAT')}"


def visit_text(request):
    """ "Thu, Dec 10, 9:30 AM at Dean Martin" for the booked visit."""
    if request.visit_at is None:
        return ""
    return f"{clinic_moment(request.visit_at)} at {request.visit_office}"


def tel_link(request):
    if not request.phone:
        return ""
    return format_html('<a class="tel-link" href="tel:{}">{}</a>', request.phone.as_e164, request.phone_display)


def language_badge(request):
    """The call-back language when it is not English, as a badge the caller sees before dialing."""
    if request.callback_language == "en":
        return ""
    return format_html(
        '<span class="language-badge" title="Call back in {}">{}</span>',
        request.get_callback_language_display(),
        request.callback_language.upper(),
    )


def week_of(day):
    """Monday to Sunday around `day`, as [start, end)."""
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=7)


def visit_days(period, today=None):
    """[start, end) dates of "today" or "week" (this week, Monday to Sunday) on the clinic's clock."""
    today = today or timezone.localdate()
    if period == "week":
        return week_of(today)
    return today, today + datetime.timedelta(days=1)


def visits_between(queryset, start, end):
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(start, datetime.time(0), tzinfo=zone)
    last = datetime.datetime.combine(end, datetime.time(0), tzinfo=zone)
    return queryset.filter(AppointmentRequest.objects.visit_stands_condition(), visit_at__gte=first, visit_at__lt=last)


def front_desk_counts(now=None):
    """The index's four counts, in one query: the call list, patients who replied, those still
    waiting for a first call (new), and visits today."""
    now = timezone.localtime(now)
    today = now.date()
    zone = timezone.get_default_timezone()
    day_start = datetime.datetime.combine(today, datetime.time(0), tzinfo=zone)
    day_end = day_start + datetime.timedelta(days=1)
    requests = AppointmentRequest.objects
    return requests.aggregate(
        to_call=Count("pk", filter=requests.to_call_condition()),
        overdue=Count("pk", filter=AppointmentRequest.objects.overdue_condition(now)),
        replied=Count("pk", filter=Q(needs_attention=True)),
        waiting=Count("pk", filter=Q(status=Status.NEW)),
        visits_today=Count(
            "pk", filter=requests.visit_stands_condition() & Q(visit_at__gte=day_start, visit_at__lt=day_end)
        ),
        handled_today=Count("pk", filter=AppointmentRequest.objects.handled_condition(today)),
    )


def urgency(now=None):
    return Case(
        When(AppointmentRequest.objects.overdue_condition(now), then=Value(OVERDUE)),
        When(needs_attention=True, then=Value(REPLIED)),
        default=Value(WAITING),
        output_field=IntegerField(),
    )


def call_list(now=None):
    """The call list in its order: most urgent first."""
    return AppointmentRequest.objects.to_call().annotate(urgency=urgency(now)).order_by("urgency", "created_at", "pk")


# --- filters -----------------------------------------------------------------------------------


class CallListFilter(admin.SimpleListFilter):
    """New, contacted and replied requests, most urgent first (FrontDeskAdmin.get_ordering)."""

    title = "call list"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("call", "To call (most urgent first)")]

    def queryset(self, request, queryset):
        if self.value() == "call":
            return queryset.to_call()
        return queryset


class TakenFilter(admin.SimpleListFilter):
    title = "who has it"
    parameter_name = "taken"

    def lookups(self, request, model_admin):
        return [("mine", "Mine"), ("nobody", "Unassigned"), ("others", "Someone else")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(taken_by=request.user)
        if self.value() == "nobody":
            return queryset.filter(taken_by__isnull=True)
        if self.value() == "others":
            return queryset.filter(taken_by__isnull=False).exclude(taken_by=request.user)
        return queryset


class VisitFilter(admin.SimpleListFilter):
    """Booked visits that still stand, today or this week (Monday to Sunday), clinic time."""

    title = "visits"
    parameter_name = "visits"

    def lookups(self, request, model_admin):
        return [("today", "Today"), ("week", "This week")]

    def queryset(self, request, queryset):
        if self.value() in ("today", "week"):
            return visits_between(queryset, *visit_days(self.value()))
        return queryset


# --- the forms of the request's own page --------------------------------------------------------


class NoAnswerForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. left a message", "size": 24}),
    )


class ScheduleForm(forms.Form):
    """The visit's date, time and office, in clinic time, checked against the office's hours."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time", "step": 300}))
    office = forms.ModelChoiceField(label="Office", queryset=Location.objects.all(), empty_label=None)
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(name) for name in ("date", "time", "office")):
            self.visit = Visit.at_clinic_time(cleaned["date"], cleaned["time"], cleaned["office"])
            if problem := self.visit.problem():
                raise forms.ValidationError(problem)
        return cleaned


class CancelVisitForm(forms.Form):
    cancelled_by = forms.ChoiceField(
        label="Who cancelled?", choices=CancelledBy.choices, initial=CancelledBy.PATIENT, widget=forms.RadioSelect
    )


class CloseForm(forms.Form):
    closing_reason = forms.ChoiceField(label="Why is it closed?", choices=ClosingReason.choices)


PANEL_FORMS = {"no_answer": NoAnswerForm, "schedule": ScheduleForm, "cancel": CancelVisitForm, "close": CloseForm}


def panel_form(name, data=None, **kwargs):
    """A panel's form, its fields prefixed with the panel's name: the page holds several forms
    and the change form itself, whose ids must not clash ("note", "closing_reason")."""
    return PANEL_FORMS[name](data, prefix=name, **kwargs)


# The status a hand-made change is turned into an action for, when the form alone cannot do it.
ACTION_FOR_STATUS = {Status.SCHEDULED: "schedule", Status.VISIT_CANCELLED: "cancel"}


class FrontDeskAdmin:
    """The front desk's views and columns for AppointmentRequestAdmin (see the module docstring)."""

    save_on_top = True
    change_form_template = "admin/appointments/appointmentrequest/call.html"
    change_list_template = "admin/appointments/appointmentrequest/call_list.html"
    # Sections shut until they have something in them.
    collapsed_when_empty = {"Visit": "visit_at", "Call attempts": None}

    # --- the list ------------------------------------------------------------------------------

    def get_queryset(self, request):
        attempts = CallAttempt.objects.filter(request=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                attempt_count=Subquery(
                    attempts.order_by().values("request").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                last_attempt_at=Subquery(attempts.values("at")[:1]),
                last_attempt_by=Subquery(attempts.values("by__username")[:1]),
                # For the "who has it" column, which has no request of its own.
                taken_by_me=Case(When(taken_by=request.user.pk, then=Value(True)), default=Value(False)),
                may_take=Value(self.has_change_permission(request)),
            )
        )

    def get_ordering(self, request):
        if request.GET.get(CallListFilter.parameter_name) == "call":
            return [urgency().asc(), "created_at"]
        if request.GET.get(VisitFilter.parameter_name) in ("today", "week"):
            return ["visit_at"]
        return super().get_ordering(request)

    @admin.display(description="Patient", ordering="last_name")
    def patient(self, obj):
        return format_html(
            '{} {}<br><span class="reference">{}</span>', obj.patient_name, language_badge(obj), obj.display_reference
        )

    @admin.display(description="Phone", ordering="phone")
    def phone_link(self, obj):
        return tel_link(obj)

    @admin.display(description="Preferred", ordering="preferred_date")
    def preferred_when(self, obj):
        return format_html("{}<br>{}", date_format(obj.preferred_date, "D, M j"), obj.get_preferred_time_display())

    @admin.display(description="Reason", ordering="reason")
    def reason_text(self, obj):
        return obj.get_reason_display()

    @admin.display(description="Office · visit", ordering="location")
    def office_or_visit(self, obj):
        if obj.visit_at:
            return format_html(
                '<span class="visit">Visit {}</span><br>{}', clinic_moment(obj.visit_at), obj.visit_office
            )
        return str(obj.location)

    @admin.display(description="Status")
    def status_flags(self, obj):
        # What the list showed of this row, handed back with an action (stale_pages.py).
        seen = format_html('<input type="hidden" name="_seen" value="{}">', seen_token(obj))
        return format_html("{} {}", self.flags(obj), seen)

    def flags(self, obj):
        flags = [format_html("{}", obj.get_status_display())]
        if obj.is_overdue():
            # Text and symbol, not colour alone, so everyone sees it.
            flags.append(format_html('<span class="overdue-badge">{}</span>', "⚠ Overdue"))
        if obj.needs_attention:
            flags.append(format_html('<span class="attention-badge">⚑ {}</span>', obj.get_patient_choice_display()))
        if obj.unsent_email:
            unsent = obj.get_unsent_email_display()
            flags.append(format_html('<span class="attention-badge">✉ {} not sent</span>', unsent))
        if obj.estimate_due_on and not obj.estimate_sent_at and obj.visit_is_on:
            due = date_format(obj.estimate_due_on, "M j")
            if obj.estimate_due_on < timezone.localdate():
                flags.append(format_html('<span class="overdue-badge">⚠ GFE overdue ({})</span>', due))
            else:
                flags.append(format_html('<span class="attention-badge">GFE due {}</span>', due))
        return format_html_join(" ", "{}", ((flag,) for flag in flags))

    @admin.display(description="Received · waiting", ordering="created_at")
    def received_waiting(self, obj):
        if obj.first_contacted_at:
            waited = f"waited {timesince(obj.created_at, obj.first_contacted_at, depth=1)}"
        elif obj.status == Status.NEW:
            waited = f"waiting {timesince(obj.created_at, timezone.now(), depth=1)}"
        else:
            waited = ""
        return format_html("{}<br>{}", clinic_moment(obj.created_at), waited)

    @admin.display(description="Last attempt")
    def last_attempt(self, obj):
        if not getattr(obj, "attempt_count", None):
            return "—"
        return format_html(
            "{}<br>{} · {} tries" if obj.attempt_count > 1 else "{}<br>{} · {} try",
            clinic_moment(obj.last_attempt_at),
            obj.last_attempt_by or "?",
            obj.attempt_count,
        )

    @admin.display(description="Who has it")
    def who_has_it(self, obj):
        """The name of whoever has the request, and a one-click take or release. The buttons sit
        inside the list's own form (HTML has no nested forms), posting it to their own URL."""
        if obj.taken_by_me:
            name, label, url = "You", "Release", "release"
        elif obj.taken_by_id:
            name, label, url = obj.taken_by.get_username(), "Take", "take"
        else:
            name, label, url = "", "Take", "take"
        if not obj.may_take:
            return name or "—"
        return format_html(
            '{} <button type="submit" class="button take-button" formaction="{}" formnovalidate '
            'aria-label="{} {}">{}</button>',
            name,
            reverse(f"admin:appointments_appointmentrequest_{url}", args=[obj.pk]),
            label,
            obj.patient_name,
            label,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "day_sheet_url": reverse("admin:appointments_day_sheet"),
            # The admin's app menu would take a fifth of a 1366 px screen from the list; Home
            # and the breadcrumbs still lead to every other page.
            "is_nav_sidebar_enabled": False,
        }
        return super().changelist_view(request, extra_context)

    # --- the request's page --------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        """admin.py's sections, with the empty ones shut (the visit before there is one)."""
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            if name in self.collapsed_when_empty:
                field = self.collapsed_when_empty[name]
                empty = obj is None or (getattr(obj, field) is None if field else not obj.call_attempts.exists())
                if empty:
                    options = {**options, "classes": [*options.get("classes", []), "collapse"]}
            fieldsets.append((name, options))
        return fieldsets

    @admin.display(description="Calls that did not reach the patient")
    def attempts(self, obj):
        rows = obj.call_attempts.select_related("by")
        return (
            format_html_join(
                "\n",
                "<div>{} · {}{}</div>",
                ((clinic_moment(row.at), row.by or "?", f" · {row.note}" if row.note else "") for row in rows),
            )
            or "None yet"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "POST" and obj is not None and (action := self._action_for_hand_change(request, obj)):
            return self._save_then_open_action(request, object_id, obj, action, form_url, extra_context)
        context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        if obj is not None:
            context.update(self._call_context(request, obj, context))
        return super().change_view(request, object_id, form_url, context)

    def _call_context(self, request, obj, context):
        """The header's and the action panels' context; bound forms come in `context`."""
        preference_day = max(obj.preferred_date, timezone.localdate())
        initial = {"schedule": {"office": obj.visit_office_id or obj.location_id, "date": preference_day}}
        panels = {
            name: context.get(f"{name}_form") or panel_form(name, initial=initial.get(name)) for name in PANEL_FORMS
        }
        offices = list(Location.objects.all())
        week = [preference_day + datetime.timedelta(days=offset) for offset in range(7)]
        return {
            "call": obj,
            "call_language": language_badge(obj),
            "call_phone": tel_link(obj),
            "call_visit": visit_text(obj),
            "call_flags": self.flags(obj),
            # What the page showed, handed back by the panels that move the request (stale_pages.py).
            "call_seen": seen_token(obj),
            "panels": panels,
            "open_panel": context.get("open_panel") or request.GET.get("do", ""),
            "hours_offices": offices,
            "hours_rows": [(day, [hours_on(office, day).text for office in offices]) for day in week],
            "can_cancel": obj.visit_is_on,
            "can_close": obj.status != Status.CLOSED,
            "taken_by_other": obj.taken_by_id not in (None, request.user.pk),
            "can_change": self.has_change_permission(request, obj),
        }

    def _action_for_hand_change(self, request, obj):
        """The action a hand-made status change needs, when the form alone cannot make it: a
        visit to schedule, or who cancelled it. The note and other fields are saved first."""
        wanted = request.POST.get("status")
        if wanted == obj.status or wanted not in ACTION_FOR_STATUS:
            return ""
        if wanted == Status.SCHEDULED and obj.visit_at is not None:
            return ""  # a correction that keeps the booked visit: the form can make it
        if wanted == Status.VISIT_CANCELLED and not obj.visit_is_on:
            return ""  # no visit to cancel: the form refuses it, with the workflow's reason
        return ACTION_FOR_STATUS[wanted]

    def _save_then_open_action(self, request, object_id, obj, action, form_url, extra_context):
        posted = request.POST.copy()
        posted["status"] = obj.status
        request.POST = posted
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code != 302:
            return response  # the form had other errors: shown as usual, nothing lost
        storage = messages.get_messages(request)
        for _message in storage:
            pass  # drop Django's "changed successfully": the change is not finished yet
        what = "the visit's date, time and office" if action == "schedule" else "who cancelled the visit"
        self.message_user(request, f"Your changes are saved. To finish, choose {what} below.", messages.WARNING)
        return HttpResponseRedirect(f"{self._change_url(obj)}?do={action}#{action}")

    def _change_url(self, obj):
        return reverse("admin:appointments_appointmentrequest_change", args=[obj.pk])

    # --- the one-request views -----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        name = "appointments_appointmentrequest"
        own = [
            path("<int:pk>/take/", view(self.take_view), name=f"{name}_take"),
            path("<int:pk>/release/", view(self.release_view), name=f"{name}_release"),
            path("<int:pk>/no-answer/", view(self.no_answer_view), name=f"{name}_no_answer"),
            path("<int:pk>/schedule/", view(self.schedule_view), name=f"{name}_schedule"),
            path("<int:pk>/cancel-visit/", view(self.cancel_view), name=f"{name}_cancel"),
            path("<int:pk>/close/", view(self.close_view), name=f"{name}_close"),
            path("day-sheet/", view(self.day_sheet_view), name="appointments_day_sheet"),
            path("day-sheet/csv/", view(self.day_sheet_csv), name="appointments_day_sheet_csv"),
        ]
        return own + super().get_urls()

    def _request_to_change(self, request, pk):
        """The request, for a POST by someone allowed to change it (404 if it does not exist)."""
        if request.method != "POST":
            raise Http404("Only a button on the request's page leads here.")
        obj = get_object_or_404(AppointmentRequest, pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _back(self, request, obj):
        """Back where the button was: the list (with its filters, never a search term, which may
        be a name) or the request's page."""
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            path_part, _sep, query = target.partition("?")
            kept = QueryDict(query, mutable=True)
            kept.pop("q", None)
            return HttpResponseRedirect(f"{path_part}?{kept.urlencode()}" if kept else path_part)
        return HttpResponseRedirect(self._change_url(obj))

    def take_view(self, request, pk):
        obj = self._request_to_change(request, pk)
        rows = AppointmentRequest.objects.filter(pk=obj.pk)
        if request.POST.get("confirm") != "yes":
            # Only if nobody else has it, in one statement: of two people taking the same free
            # request at once, the second is asked, as if they had seen the first one's name.
            rows = rows.filter(Q(taken_by__isnull=True) | Q(taken_by=request.user))
        if not rows.update(taken_by=request.user, taken_at=timezone.now()):
            obj.refresh_from_db()
            return self._ask_before_taking_over(request, obj)
        self.log_change(request, obj, [{"changed": {"fields": ["Taken by"]}}])
        self.message_user(request, f"You have {obj.patient_name}'s request.", messages.SUCCESS)
        return self._back(request, obj)

    def _ask_before_taking_over(self, request, obj):
        other = obj.taken_by
        context = {
            **self.admin_site.each_context(request),
            "title": f"{other.get_username()} has this request",
            "opts": self.model._meta,
            "obj": obj,
            "other": other,
            "taken_at": clinic_moment(obj.taken_at) if obj.taken_at else "",
            "next": request.POST.get("next", ""),
        }
        record(request, AccessRecord.Action.OPENED, [obj.reference], "take")
        return TemplateResponse(request, "admin/appointments/appointmentrequest/take_confirm.html", context)

    def release_view(self, request, pk):
        obj = self._request_to_change(request, pk)
        AppointmentRequest.objects.filter(pk=obj.pk).update(taken_by=None, taken_at=None)
        self.log_change(request, obj, [{"changed": {"fields": ["Taken by"]}}])
        self.message_user(request, f"{obj.patient_name}'s request is free for anyone to take.", messages.SUCCESS)
        return self._back(request, obj)

    def _panel_refused(self, request, obj, name, form):
        """The request's page again, with the panel open and its form's errors (400)."""
        as_get = copy.copy(request)
        as_get.method = "GET"
        as_get.GET = QueryDict()
        response = self.change_view(as_get, str(obj.pk), extra_context={f"{name}_form": form, "open_panel": name})
        response.status_code = 400
        return response

    def _moved(self, request, obj, status, fields, **move):
        """Move through the workflow; False (and the refusal as a message) if it refuses, or if
        the request changed after the page that asked was opened (stale_pages.py)."""
        payload = tokens_by_request([request.POST.get("_seen", "")]).get(obj.pk)
        if what := changed_since(payload, obj):
            self.message_user(request, stale_message(obj, what), messages.ERROR)
            return False
        try:
            move_to(obj, status, by=request.user, **move)
        except IllegalMove as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return False
        self.log_change(request, obj, [{"changed": {"fields": ["Status", "Handled by", *fields]}}])
        return True

    def no_answer_view(self, request, pk):
        obj = self._request_to_change(request, pk)
        form = panel_form("no_answer", request.POST)
        if not form.is_valid():
            return self._panel_refused(request, obj, "no_answer", form)
        CallAttempt.objects.create(request=obj, by=request.user, note=form.cleaned_data["note"])
        if obj.status == Status.NEW:
            self._moved(request, obj, Status.CONTACTED, [])
        else:
            self.log_change(request, obj, [{"added": {"name": "call attempt", "object": "no answer"}}])
        tries = obj.call_attempts.count()
        self.message_user(request, f"No answer from {obj.patient_name} recorded (call {tries}).", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def schedule_view(self, request, pk):
        obj = self._request_to_change(request, pk)
        form = panel_form("schedule", request.POST)
        if not form.is_valid():
            return self._panel_refused(request, obj, "schedule", form)
        note = form.cleaned_data["note"]
        if note:
            obj.staff_notes = self._with_note(request, obj.staff_notes, note)
        if not self._moved(request, obj, Status.SCHEDULED, ["Visit", "Visit office"], visit=form.visit):
            obj.refresh_from_db()
            return self._panel_refused(request, obj, "schedule", form)
        self.message_user(request, f"{obj.patient_name}'s visit is scheduled: {visit_text(obj)}.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def cancel_view(self, request, pk):
        obj = self._request_to_change(request, pk)
        form = panel_form("cancel", request.POST)
        if not form.is_valid():
            return self._panel_refused(request, obj, "cancel", form)
        obj.cancelled_by = form.cleaned_data["cancelled_by"]
        if not self._moved(request, obj, Status.VISIT_CANCELLED, ["Cancelled by"]):
            return HttpResponseRedirect(self._change_url(obj))
        self.message_user(
            request,
            f"{obj.patient_name}'s visit on {visit_text(obj)} is cancelled "
            f"({CancelledBy(obj.cancelled_by).label.lower()}).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(obj))

    def close_view(self, request, pk):
        obj = self._request_to_change(request, pk)
        form = panel_form("close", request.POST)
        if not form.is_valid():
            return self._panel_refused(request, obj, "close", form)
        reason = form.cleaned_data["closing_reason"]
        if self._moved(request, obj, Status.CLOSED, ["Closing reason"], closing_reason=reason):
            self.message_user(
                request,
                f"{obj.patient_name}'s request is closed: {ClosingReason(reason).label.lower()}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(obj))

    @staticmethod
    def _with_note(request, notes, note):
        stamp = f"{clinic_moment(timezone.now())}, {request.user.get_username()}"
        return f"{notes}\n{stamp}: {note}".strip()

    # --- the day sheet -------------------------------------------------------------------------

    def _day_sheet(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = "week" if request.GET.get("period") == "week" else "today"
        start, end = visit_days(period)
        requests = AppointmentRequest.objects.select_related("visit_office", "handled_by")
        rows = list(visits_between(requests, start, end).order_by("visit_at", "pk"))
        return period, start, end, rows

    def day_sheet_view(self, request):
        period, start, end, rows = self._day_sheet(request)
        record(request, AccessRecord.Action.LISTED, [row.reference for row in rows], f"day sheet, {len(rows)} shown")
        last = end - datetime.timedelta(days=1)
        context = {
            **self.admin_site.each_context(request),
            "title": "Visits today" if period == "today" else "Visits this week",
            "opts": self.model._meta,
            "period": period,
            "dates": date_format(start, "l, F j, Y")
            if start == last
            else f"{date_format(start, 'D, M j')} – {date_format(last, 'D, M j, Y')}",
            "rows": [(row, clinic_moment(row.visit_at), tel_link(row), language_badge(row)) for row in rows],
            "is_nav_sidebar_enabled": False,  # the sheet takes the page's width, on screen and paper
        }
        return TemplateResponse(request, "admin/appointments/day_sheet.html", context)

    def day_sheet_csv(self, request):
        period, start, end, rows = self._day_sheet(request)
        references = [row.reference for row in rows]
        record(request, AccessRecord.Action.EXPORTED, references, f"day sheet, {len(rows)} exported")
        return csv_response(f"visits-{start}.csv", DAY_SHEET_COLUMNS, (day_sheet_row(row) for row in rows))


DAY_SHEET_COLUMNS = [
    "Visit date",
    "Visit time",
    "Visit office",
    "Patient",
    "Phone",
    "Call back in",
    "Reason",
    "Reference",
    "Handled by",
]


def day_sheet_row(row):
    local = timezone.localtime(row.visit_at)
    return [
        local.date().isoformat(),
        local.strftime("%H:%M"),
        str(row.visit_office),
        row.patient_name,
        row.phone_display,
        row.get_callback_language_display(),
        row.get_reason_display(),
        row.display_reference,
        row.handled_by.get_username() if row.handled_by else "",
    ]
