from django.contrib import admin
from django.utils.translation import gettext

from .models import Clinic


class ClinicAdminSite(admin.AdminSite):
    """Django's admin under the practice's own name, read from the Clinic row on each page
    (a small query each) so an editor's rename shows at once; plain words while the row is
    missing. Installed as the default site by `apps.ClinicAdminConfig`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Registered here, not with @admin.register: the first `admin.site` access (from another
        # app's admin module) imports this module to build the site, and a registration on
        # `admin.site` made during that import went to a throwaway instance, leaving the
        # practice's row out of admin.
        self.register(Clinic, ClinicAdmin)

    def _named(self, with_name, without_name):
        name = Clinic.load().name
        return with_name % {"clinic": name} if name else without_name

    @property
    def site_header(self):
        return self._named(gettext("%(clinic)s · Front desk"), gettext("Front desk"))

    @property
    def site_title(self):
        return self.site_header

    @property
    def index_title(self):
        return self._named(gettext("Administration of %(clinic)s"), gettext("Site administration"))


class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "physician"]

    def has_add_permission(self, request):
        # One practice per site: editors change the row the migration created.
        return not Clinic.objects.exists() and super().has_add_permission(request)
