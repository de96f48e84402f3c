"""`check --deploy` refuses the mistakes a practice's settings can hold (clinic_site/deploy_checks.py),
each on its own, and stays quiet on a practice's correct settings."""

import pytest

from clinic_site.deploy_checks import check_practice_settings

GOOD = {
    "SECRET_KEY": "Vq3x9-jr_TgN2bUe7LwKc4sZ0pYhFdMa8RiXoE1nQ6tJvBlC5uGkHyW-zD",
    "ALLOWED_HOSTS": ["smithvein.com"],
    "CSRF_TRUSTED_ORIGINS": ["https://smithvein.com"],
    "SITE_URL": "https://smithvein.com",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.office365.com",
    "EMAIL_USE_TLS": True,
    "EMAIL_USE_SSL": False,
    "EMAIL_HOST_USER": "no-reply@smithvein.com",
    "DEFAULT_FROM_EMAIL": "Smith Vein <no-reply@smithvein.com>",
    "SERVER_EMAIL": "Smith Vein <no-reply@smithvein.com>",
    "APPOINTMENT_STAFF_EMAILS": ["frontdesk@smithvein.com"],
}


@pytest.fixture
def practice(settings):
    for name, value in GOOD.items():
        setattr(settings, name, value)
    return settings


def errors():
    return [(error.id, error.msg) for error in check_practice_settings(None)]


def test_a_practices_correct_settings_pass(practice):
    assert errors() == []


def test_local_mail_without_tls_and_a_wildcard_origin_pass(practice):
    practice.EMAIL_HOST, practice.EMAIL_USE_TLS = "127.0.0.1", False
    practice.ALLOWED_HOSTS = [".smithvein.com"]
    practice.CSRF_TRUSTED_ORIGINS = ["https://*.smithvein.com"]
    practice.SITE_URL = "https://www.smithvein.com"
    assert errors() == []


@pytest.mark.parametrize(
    ("setting", "value", "expected_id", "words"),
    [
        ("SITE_URL", "https://clinic.smithvein.net", "clinic_site.E011 E016", "not in ALLOWED_HOSTS"),
        ("CSRF_TRUSTED_ORIGINS", ["https://www.smithvein.com"], "clinic_site.E016", "not in CSRF_TRUSTED_ORIGINS"),
        ("SITE_URL", "smithvein.com", "clinic_site.E010", "must be the site's origin"),
        ("SITE_URL", "https://smithvein.com/clinic/", "clinic_site.E010", "must be the site's origin"),
        ("SECRET_KEY", "CHANGE-ME", "clinic_site.E013", "placeholder"),
        ("SECRET_KEY", "k" * 10 + "abcdefghij" * 3, "clinic_site.E013", "placeholder or shorter"),
        ("SECRET_KEY", "CHANGE-ME-" + "x1y2z3" * 10, "clinic_site.E013", "placeholder"),
        ("EMAIL_USE_TLS", False, "clinic_site.E014", "without TLS"),
        ("ALLOWED_HOSTS", ["https://smithvein.com"], "clinic_site.E015 E011", "without a scheme"),
        ("EMAIL_HOST", "smtp://smtp.office365.com", "clinic_site.E015", "without a scheme"),
        ("APPOINTMENT_STAFF_EMAILS", ["frontdesk@clinic.example"], "clinic_site.E012", "clinic.example"),
        ("DEFAULT_FROM_EMAIL", "Clinic <no-reply@clinic.example>", "clinic_site.E012", "clinic.example"),
        ("EMAIL_HOST", "smtp.clinic.example", "clinic_site.E012", "smtp.clinic.example"),
        ("EMAIL_HOST_USER", "no-reply@example.com", "clinic_site.E012", "example.com"),
    ],
)
def test_each_mistake_is_an_error(practice, setting, value, expected_id, words):
    setattr(practice, setting, value)
    found = errors()
    # One mistake, one error (the two that also break another rule name both, first the cause).
    assert [error_id.removeprefix("clinic_site.") for error_id, _msg in found] == expected_id.removeprefix(
        "clinic_site."
    ).split(), found
    assert words in found[0][1]


def test_the_issue_report_gives_every_error_it_should(practice):
    # What a contractor had, and `check --deploy` said nothing about.
    practice.ALLOWED_HOSTS = ["smithvein.com"]
    practice.SITE_URL = "https://clinic.example"
    practice.EMAIL_HOST, practice.EMAIL_USE_TLS = "mail.smithvein.com", False
    practice.SECRET_KEY = "CHANGE-ME"
    found = {error_id for error_id, _msg in errors()}
    assert found == {
        "clinic_site.E011",
        "clinic_site.E016",
        "clinic_site.E012",
        "clinic_site.E013",
        "clinic_site.E014",
    }


def test_a_list_in_a_single_address_setting_is_read_whole(practice):
    practice.DEFAULT_FROM_EMAIL = "Smith Vein <no-reply@smithvein.com>, Clinic <x@clinic.example>"
    assert [error_id for error_id, _msg in errors()] == ["clinic_site.E012"]
