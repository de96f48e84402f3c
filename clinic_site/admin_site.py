"""The admin site itself, in a module of its own: Django imports `default_site` while the apps'
admin modules are being discovered, and a site class defined beside `@admin.register` calls
would be built twice, losing that module's registrations (the Clinic admin vanished that way)."""

from django.utils.translation import gettext

from core.models import Clinic
from reports.admin_views import ReportsAdminMixin
from staff.sites import StaffAdminSite


class ClinicAdminSite(ReportsAdminMixin, StaffAdminSite):
    """Django's admin under the practice's own name, read from the Clinic row on each page
    (a small query each) so an editor's rename shows at once; plain words while the row is
    missing. Installed as the default site by `apps.ClinicAdminConfig`. Every page is behind
    the second factor, and every read of a request is recorded (staff/); the reports are its
    pages too (reports/)."""

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
