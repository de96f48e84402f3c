"""The reports page and its CSV, as pages of the admin site (clinic_site's site mixes this in),
at the addresses they had under the requests' admin."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from appointments.models import AppointmentRequest
from core.spreadsheet import csv_response

from .figures import (
    CSV_HEADER,
    PRESET_WEEKS,
    ReportForm,
    build_report,
    csv_rows,
    headline,
    previous_range,
    report_charts,
)

PREFIX = "appointments/appointmentrequest/reports/"


class ReportsAdminMixin:
    def get_urls(self):
        # Through admin_view, so the reports get whatever protection the admin site has.
        return [
            path(
                "appointments/appointmentrequest/reports/",
                self.admin_view(self.reports_view),
                name="appointments_reports",
            ),
            path(
                "appointments/appointmentrequest/reports/csv/",
                self.admin_view(self.reports_csv),
                name="appointments_reports_csv",
            ),
            *super().get_urls(),
        ]

    def _report(self, request):
        """The form and its report (None when the form is invalid). Aggregates only: no patient
        is identified, so no access record is written. Staff who may see requests only."""
        if not request.user.has_perm("appointments.view_appointmentrequest"):
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
            **self.each_context(request),
            "title": "Reports",
            "opts": AppointmentRequest._meta,
            "form": form,
            "report": report,
            "charts": report_charts(report) if report else None,
            "headline": self._headline(form, report) if report else None,
            "presets": [
                (weeks, f"?weeks={weeks}" + (f"&office={office}" if office.isdigit() else "")) for weeks in PRESET_WEEKS
            ],
            "query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "reports/reports.html", context, status=200 if report else 400)

    @staticmethod
    def _headline(form, report):
        """The four headline figures beside the same figures for the period just before."""
        previous = build_report(*previous_range(report.start, report.end), form.cleaned_data["office"])
        return {"figures": headline(report, previous), "start": previous.start, "end": previous.end}

    def reports_csv(self, request):
        form, report = self._report(request)
        if report is None:
            return self.reports_view(request)
        return csv_response(f"appointment-reports-{report.start}-{report.end}.csv", CSV_HEADER, csv_rows(report))
