from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from . import passkey_pages
from .review import ReviewFilter, as_csv, daily_views
from .second_factor import SecondFactorAdminSite


class StaffAdminSite(SecondFactorAdminSite):
    """The admin with the staff security this app adds: the second factor on every sign-in,
    the idle logoff warning on every page (templates/admin/base_site.html), and the access
    record's review page for superusers."""

    def each_context(self, request):
        return {
            **super().each_context(request),
            "idle_timeout": settings.SESSION_COOKIE_AGE,
            "idle_warning": settings.STAFF_IDLE_WARNING_SECONDS,
        }

    def get_urls(self):
        return [
            path("access-review/", self.admin_view(self.access_review), name="access_review"),
            path("second-factor/passkeys/", self.admin_view(self.own_passkeys), name="passkeys"),
            path("second-factors/", self.admin_view(self.staff_factors), name="staff_factors"),
            *super().get_urls(),
        ]

    def own_passkeys(self, request):
        return passkey_pages.own_passkeys(request, self)

    def staff_factors(self, request):
        return passkey_pages.staff_factors(request, self)

    def access_review(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        form = ReviewFilter(request.GET or None)
        username, start, end = form.period()
        refused = form.is_bound and not form.is_valid()
        rows = [] if refused else daily_views(username, start, end)
        if request.GET.get("format") == "csv" and not refused:
            return as_csv(rows, start, end)
        csv_query = request.GET.copy()
        csv_query["format"] = "csv"
        context = {
            **self.each_context(request),
            "title": "Access review",
            "form": form,
            "rows": rows,
            "start": start,
            "end": end,
            "csv_query": csv_query.urlencode(),
        }
        # A wrong date is the form's to explain, on the page (a CSV of it would only be empty).
        return TemplateResponse(request, "staff/access_review.html", context, status=400 if refused else 200)
