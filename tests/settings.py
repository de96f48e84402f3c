"""Settings for the test run, applied before Django reads its settings.

Tests run with production-like settings (DEBUG off) but plain static storage, so they never
need `collectstatic`, and plain HTTP through the test client.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("PACKET_ENCRYPTION_KEYS", "dGVzdHMtb25seS1ub3QtYS1zZWNyZXQta2V5LS0tLS0=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("APPOINTMENT_STAFF_EMAILS", "frontdesk@clinic.test")
os.environ.setdefault("SITE_URL", "http://testserver")

from clinic_site.settings import *  # noqa: E402, F403

# Serve static files straight from the apps and static/, as runserver would, so browser
# tests against a live server get real CSS without `collectstatic`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Argon2 is slow on purpose; the tests sign staff in hundreds of times. MD5 (test-only) keeps
# them fast; tests/clinic_site/test_admin_security.py puts the production hashers back to check
# Argon2 itself.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
