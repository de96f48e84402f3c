from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    if settings.STAFF_SECOND_FACTOR:
        return []
    return [
        checks.Warning(
            "STAFF_SECOND_FACTOR is off: staff reach patient data with a password alone.",
            hint="Unset STAFF_SECOND_FACTOR (it is on by default without DEBUG).",
            id="staff.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def passkeys_possible(app_configs, **kwargs):
    from .passkeys import available

    if available():
        return []
    return [
        checks.Warning(
            f"SITE_URL ({settings.SITE_URL}) is not an https address: staff cannot use passkeys.",
            hint="Set SITE_URL to the site's public https address, e.g. https://clinic.example.",
            id="staff.W002",
        )
    ]
