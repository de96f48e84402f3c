from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicSiteConfig(AppConfig):
    name = "clinic_site"
    verbose_name = "Clinic"

    def ready(self):
        from django.conf import settings

        from . import checks, deploy_checks, signals  # noqa: F401 - registers the system checks

        # Any content saved or deleted drops the stored pages once it commits (signals.py).
        signals.connect()
        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            from . import database

            # A stalled server costs seconds, not a worker (database.py).
            database.install(settings.DATABASE_CONNECT_TIMEOUT, settings.DATABASE_STATEMENT_TIMEOUT)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the practice's own admin site (admin_site.ClinicAdminSite)."""

    # Named in INSTALLED_APPS; ClinicSiteConfig stays this module's config for "clinic_site".
    default = False
    default_site = "clinic_site.admin_site.ClinicAdminSite"
