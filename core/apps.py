from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    # The admin's heading for the practice's row, as it was when the row lived in clinic_site.
    verbose_name = "Clinic"
