"""`manage.py check --deploy`: the mistakes a practice's own settings can hold, which Django's
deployment checklist cannot see. Each is an Error, so the README's check fails on it:

- SITE_URL (the origin in every e-mailed link) not a plain https://host, or a host the site
  refuses (not in ALLOWED_HOSTS) or whose forms it refuses (not in CSRF_TRUSTED_ORIGINS);
- a name left from deploy/env.example: the reserved example and test domains (RFC 2606);
- a placeholder or short SECRET_KEY (Django only warns);
- mail to another machine without TLS (patients' names and visit times in clear);
- a URL where a host name is expected (`https://` in ALLOWED_HOSTS or EMAIL_HOST).

Caddy's own variables (SITE_ADDRESS) are out of the site's sight: deploy/README.md's checks
cover those.
"""

import ipaddress
import urllib.parse
from email.utils import getaddresses

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http.request import split_domain_port, validate_host

# RFC 2606 and 6761: names that can never be a practice's.
RESERVED_SUFFIXES = (".example", ".test", ".invalid")
RESERVED_NAMES = ("example", "example.com", "example.net", "example.org")
PLACEHOLDER_WORDS = ("change", "example", "<", "django-insecure")
MINIMUM_SECRET_LENGTH = 50


def is_reserved(host):
    host = host.lower().strip(".").lstrip("*.")
    return host in RESERVED_NAMES or host.endswith(RESERVED_SUFFIXES + tuple("." + name for name in RESERVED_NAMES))


def is_loopback(host):
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def site_url_errors():
    url = urllib.parse.urlsplit(settings.SITE_URL)
    if url.scheme not in ("http", "https") or not url.hostname or url.path.strip("/") or url.query:
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: it must be the site's origin, such as https://smithvein.com.",
                hint="Set SITE_URL to https:// and the practice's domain, with no path.",
                id="clinic_site.E010",
            )
        ]
    errors = []
    host = url.netloc.rpartition("@")[2]
    if not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"SITE_URL's host {url.hostname!r} is not in ALLOWED_HOSTS {settings.ALLOWED_HOSTS}: every link "
                "in the site's e-mails would lead to a 400.",
                hint="Put the same domain in SITE_URL, ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS.",
                id="clinic_site.E011",
            )
        )
    origin = f"{url.scheme}://{host}"
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if trusted and not any(origin == item or _wildcard_matches(item, url) for item in trusted):
        errors.append(
            Error(
                f"SITE_URL's origin {origin!r} is not in CSRF_TRUSTED_ORIGINS {trusted}.",
                hint="Put the same domain in SITE_URL, ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS.",
                id="clinic_site.E016",
            )
        )
    return errors


def _wildcard_matches(trusted_origin, url):
    trusted = urllib.parse.urlsplit(trusted_origin)
    if trusted.scheme != url.scheme or not trusted.netloc.startswith("*."):
        return False
    return (url.hostname or "").endswith(trusted.netloc[1:])


def reserved_name_errors():
    values = {
        "ALLOWED_HOSTS": list(settings.ALLOWED_HOSTS),
        "CSRF_TRUSTED_ORIGINS": [
            urllib.parse.urlsplit(origin).hostname or origin for origin in settings.CSRF_TRUSTED_ORIGINS
        ],
        "SITE_URL": [urllib.parse.urlsplit(settings.SITE_URL).hostname or settings.SITE_URL],
        "EMAIL_HOST": [settings.EMAIL_HOST],
        "DEFAULT_FROM_EMAIL": _domains(settings.DEFAULT_FROM_EMAIL),
        "SERVER_EMAIL": _domains(settings.SERVER_EMAIL),
        "EMAIL_HOST_USER": _domains(settings.EMAIL_HOST_USER),
        "APPOINTMENT_STAFF_EMAILS": _domains(*getattr(settings, "APPOINTMENT_STAFF_EMAILS", [])),
    }
    errors = []
    for name, hosts in values.items():
        left = sorted({host for host in hosts if host and is_reserved(host)})
        if left:
            errors.append(
                Error(
                    f"{name} still names {', '.join(left)}, an example domain from deploy/env.example.",
                    hint="Replace every example value in /etc/clinic/clinic.env with the practice's own.",
                    id="clinic_site.E012",
                )
            )
    return errors


def _domains(*addresses):
    """The domain of each e-mail address in `addresses` (display names and lists allowed)."""
    return [
        mailbox.rpartition("@")[2] for _name, mailbox in getaddresses([item or "" for item in addresses]) if mailbox
    ]


def secret_key_errors():
    key = settings.SECRET_KEY or ""
    lowered = key.lower()
    if len(key) < MINIMUM_SECRET_LENGTH or len(set(key)) < 5 or any(word in lowered for word in PLACEHOLDER_WORDS):
        return [
            Error(
                f"SECRET_KEY is a placeholder or shorter than {MINIMUM_SECRET_LENGTH} characters: sessions, "
                "CSRF tokens and patients' links are signed with it.",
                hint="python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="clinic_site.E013",
            )
        ]
    return []


def mail_tls_errors():
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") or is_loopback(settings.EMAIL_HOST):
        return []
    if settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL:
        return []
    return [
        Error(
            f"Mail goes to {settings.EMAIL_HOST}, another machine, without TLS: patients' names and visit "
            "times would cross the network in clear, with the mail password.",
            hint="EMAIL_USE_TLS=1 (port 587) or EMAIL_USE_SSL=1 (port 465).",
            id="clinic_site.E014",
        )
    ]


def host_value_errors():
    errors = []
    for name, hosts in (("ALLOWED_HOSTS", settings.ALLOWED_HOSTS), ("EMAIL_HOST", [settings.EMAIL_HOST])):
        wrong = [host for host in hosts if "://" in host or "/" in host or "@" in host]
        if wrong:
            errors.append(
                Error(
                    f"{name} holds {', '.join(wrong)}: a host name is expected, without a scheme or path.",
                    hint="Write the bare name, e.g. smithvein.com (SITE_URL and CSRF_TRUSTED_ORIGINS take https://).",
                    id="clinic_site.E015",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_practice_settings(app_configs, **kwargs):
    return [
        *host_value_errors(),
        *site_url_errors(),
        *reserved_name_errors(),
        *secret_key_errors(),
        *mail_tls_errors(),
    ]
