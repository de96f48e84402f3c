from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicSiteConfig(AppConfig):
    name = "clinic_site"
    verbose_name = "Clinic"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from . import checks, content  # noqa: F401 - registers the system checks
        from .page_cache import content_changed

        # Any content saved or deleted drops the cached public pages (page_cache.py).
        post_save.connect(content_changed, dispatch_uid="page_cache_content_saved")
        post_delete.connect(content_changed, dispatch_uid="page_cache_content_deleted")
        # ... and gives the practice a new content token (content.py).
        content.connect()
        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            from . import database

            # A stalled server costs seconds, not a worker (database.py).
            database.install(settings.DATABASE_CONNECT_TIMEOUT, settings.DATABASE_STATEMENT_TIMEOUT)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the practice's own admin site (admin_site.ClinicAdminSite)."""

    # Named in INSTALLED_APPS; ClinicSiteConfig stays this module's config for "clinic_site".
    default = False
    default_site = "clinic_site.admin_site.ClinicAdminSite"
