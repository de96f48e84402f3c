from django.contrib import admin

from .models import Clinic


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "physician"]

    def has_add_permission(self, request):
        # One practice per site: editors change the row the migration created.
        return not Clinic.objects.exists() and super().has_add_permission(request)
