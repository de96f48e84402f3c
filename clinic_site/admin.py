from django.contrib import admin

from staff.sites import StaffAdminSite

from .models import Clinic


class ClinicAdminSite(StaffAdminSite):
    """The practice's admin: every page behind the second factor (staff/)."""


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "physician"]

    def has_add_permission(self, request):
        # One practice per site: editors change the row the migration created.
        return not Clinic.objects.exists() and super().has_add_permission(request)
