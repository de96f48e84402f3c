from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff security"

    def ready(self):
        from . import checks, signals  # noqa: F401 - connect the receivers, register the check
