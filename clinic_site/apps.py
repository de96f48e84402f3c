from django.apps import AppConfig


class ClinicSiteConfig(AppConfig):
    name = "clinic_site"
    verbose_name = "Clinic"
