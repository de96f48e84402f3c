"""System checks for settings Django cannot judge by itself."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_proxy_count(app_configs, **kwargs):
    """Behind a proxy, REMOTE_ADDR is the proxy's: without TRUSTED_PROXY_COUNT every patient
    shares one rate limit and one failed sign-in locks every staff member out."""
    if settings.BEHIND_TLS_PROXY and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Error(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client would share the "
                "proxy's address for the appointment rate limit and the sign-in lockout.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (usually 1).",
                id="clinic_site.E001",
            )
        ]
    return []
