from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PacketsConfig(AppConfig):
    name = "packets"
    verbose_name = _("Pre-visit packets")

    def ready(self):
        from . import checks, visit_emails  # noqa: F401 - registers the checks and the e-mail lines
