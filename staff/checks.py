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
