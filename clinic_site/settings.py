"""Settings for the clinic site, read from the environment (12-factor).

Development (`make run`) sets DEBUG=1 and needs nothing else. Production needs at
least SECRET_KEY and ALLOWED_HOSTS; every variable is listed in docs/configuration.md.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Without DEBUG there is no default: a generated throwaway key would log everybody out on every
# restart and differ between processes. The web server refuses to start without one
# (clinic_site/wsgi.py); commands that need no secret, such as migrate, still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with the practice's admin site: its name, the second factor.
    "clinic_site.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "phonenumber_field",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "pgtrigger",
    "core",
    "staff",
    "clinic_site",
    "articles",
    "locations",
    "appointments",
    # After appointments: its admin adds the packet to the request's (packets/admin.py).
    "packets",
    "reports",
    "notices",
]

MIDDLEWARE = [
    # Outermost, as Django's cache middleware: it stores pages as every other middleware left them.
    "core.page_cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware: static files skip sessions, CSRF and auth.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic_site.middleware.IgnoreControlCharactersMiddleware",
    # Django's, answering 503 when the database fails as the session is saved (middleware.py).
    "clinic_site.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (staff/)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic_site.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic_site.urls"
WSGI_APPLICATION = "clinic_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "clinic_site.context_processors.clinic",
                "clinic_site.context_processors.languages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# libpq waits forever for a server that does not answer; patients should get the "please call
# us" page in seconds, well under gunicorn's 30-second worker timeout. Seconds; 0 turns a limit
# off (e.g. DATABASE_STATEMENT_TIMEOUT=0 for a long one-off command). See clinic_site/database.py.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
# The server cancels a statement running longer; the site gives up on a connection silent for
# this plus 2 seconds (a stalled server or network: nothing else would notice).
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "10"))
# A peer gone without a word: keepalive probes after this long idle, and data unacknowledged
# this long (tcp_user_timeout) break the connection.
DATABASE_TCP_TIMEOUT = int(os.environ.get("DATABASE_TCP_TIMEOUT", "10"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DATABASE_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}",
            "keepalives": 1,
            "keepalives_idle": DATABASE_TCP_TIMEOUT,
            "keepalives_interval": max(DATABASE_TCP_TIMEOUT // 3, 1),
            "keepalives_count": 3,
            "tcp_user_timeout": DATABASE_TCP_TIMEOUT * 1000,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every process (rate limits, public pages) -------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "clinic"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "clinic"),
        }
    }

# Public pages (core/page_cache.py): how long anyone may keep one, since its "Open now"
# goes stale, and how long the page cache keeps them (only with Redis by default; dropped at
# once when content changes).
PUBLIC_PAGE_MAX_AGE = 60
PUBLIC_PAGE_CACHE_SECONDS = min(
    int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", PUBLIC_PAGE_MAX_AGE if REDIS_URL else 0)), PUBLIC_PAGE_MAX_AGE
)

# Django's database sessions, refusing malformed keys (clinic_site/sessions.py).
SESSION_ENGINE = "clinic_site.sessions"
# Staff messages name the patient ("Maria Lopez's visit is scheduled..."): kept in the session,
# in the database, not in a cookie (Django's default stores them in a signed, readable cookie).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Auth and staff sessions ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions see patient data: log off after 30 idle minutes (ASVS L2, HIPAA automatic
# logoff). Every request renews the idle timer.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock an account on one address after 5 failures for an hour. The client
# address is read the same way as for the appointment rate limit (see CLIENT_IP_HEADER).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Not on the password alone: the failures are forgotten once the second factor passes too
# (staff/second_factor.py), so wrong codes add up to the same lockout.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False

# --- Staff security (staff/): second factor, idle warning, access record -----------------
# Every staff sign-in needs a code from an authenticator app (or a backup code); on by default
# without DEBUG. `make run` leaves it off unless STAFF_SECOND_FACTOR=1 (docs/staff-guide.md, "Second factor").
STAFF_SECOND_FACTOR = env_bool("STAFF_SECOND_FACTOR", not DEBUG)
# The account's name in the authenticator app.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Clinic staff")
# A superuser removes a colleague's devices in admin but never sees their secrets or QR codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The idle logoff warning shows this many seconds before SESSION_COOKIE_AGE runs out.
STAFF_IDLE_WARNING_SECONDS = int(os.environ.get("STAFF_IDLE_WARNING_SECONDS", "120"))
# The access record names requests by reference only, so it outlives them: six years (HIPAA
# 164.316(b)(2) documentation retention), then `manage.py purge_access_records` deletes it.
ACCESS_RECORD_RETENTION_DAYS = int(os.environ.get("ACCESS_RECORD_RETENTION_DAYS", str(6 * 366)))

# --- Client address behind proxies -------------------------------------------------------
# Empty: trust REMOTE_ADDR (gunicorn serving directly). Behind N trusted proxies that each
# append to X-Forwarded-For, set TRUSTED_PROXY_COUNT=N.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# El Paso keeps Mountain Time whatever the server's clock says.
TIME_ZONE = "America/Denver"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not env_bool("PLAIN_STATIC_STORAGE")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "US"

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Public origin used in links inside e-mails (no request is at hand when a retry sends them).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Appointment requests ----------------------------------------------------------------
APPOINTMENT_STAFF_EMAILS = env_list("APPOINTMENT_STAFF_EMAILS")
APPOINTMENT_RATE_LIMIT = os.environ.get("APPOINTMENT_RATE_LIMIT", "5/h")
APPOINTMENT_RETENTION_DAYS = int(os.environ.get("APPOINTMENT_RETENTION_DAYS", "365"))
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "core.client_ip.client_ip"
# A cache outage must not turn every patient away: the honeypot still stands.
RATELIMIT_FAIL_OPEN = True
# The database cache's increment is not atomic, so django-ratelimit refuses it (E003).
# Without Redis (the embedded `make run` setup) the limit is approximate under bursts;
# production sets REDIS_URL (docs/configuration.md).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])
# The reports' covering index (appointments/models.py) carries its wait column for PostgreSQL's
# index-only scans; SQLite builds it as a plain partial index and says so (W040).
SILENCED_SYSTEM_CHECKS += ["models.W040"]

# --- Passkeys for staff (staff/passkeys.py): a second factor instead of the code ------------
# A passkey is bound to the site's public address: its host is the relying party ID and its
# origin the only one accepted. staff/passkeys.py reads SITE_URL itself on every ceremony (so
# tests can follow their live server); these two only feed django-otp-webauthn's own checks.
OTP_WEBAUTHN_RP_ID_CALLABLE = "staff.passkeys.relying_party_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))]
# Browsers allow passkeys on https, and on plain http only at localhost: `make run`'s default
# address (http://127.0.0.1:8000) has none, so its pages do not offer them and the package's
# check for that origin (an error, which would stop runserver) gives way to staff.W002 under
# `check --deploy`.
SILENCED_SYSTEM_CHECKS += ["otp_webauthn.E031"]
OTP_WEBAUTHN_HELPER_CLASS = "staff.passkeys.PasskeyHelper"
# Shown by the browser or phone when a passkey is made or used: the same name as in the app.
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
# A passkey replaces the code, never the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# How long the browser waits for the fingerprint or PIN (seconds).
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120

# --- Task queue: every e-mail is sent by `manage.py db_worker`, never inside a web request ---
# The queue is a table in the site's own database (django-tasks-db), so it needs no other
# server and several workers can share it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A failed send is tried again after each of these delays (seconds), then given up: the request
# then shows staff which e-mail was not sent.
APPOINTMENT_MAIL_RETRY_DELAYS = [int(delay) for delay in env_list("APPOINTMENT_MAIL_RETRY_DELAYS", "60,300,1800,7200")]
# A send still running after this long is treated as dead (its worker was killed) and queued
# again by the safety net: far longer than EMAIL_TIMEOUT's few round trips with the mail server.
MAIL_SEND_DEAD_AFTER_SECONDS = int(os.environ.get("MAIL_SEND_DEAD_AFTER_SECONDS", "300"))
# The visit reminder goes this many business days (Monday to Friday) before the visit: 1 or 2.
APPOINTMENT_REMINDER_BUSINESS_DAYS = int(os.environ.get("APPOINTMENT_REMINDER_BUSINESS_DAYS", "1"))
# How long a visit lasts: the calendar event's end, and until when the patient's link works.
APPOINTMENT_VISIT_MINUTES = int(os.environ.get("APPOINTMENT_VISIT_MINUTES", "60"))

# The waitlist (appointments/waitlist.py): an offer of a freed time can be claimed until this many
# hours before it; patients offered anything in the last days come after those who were not;
# staff send offers in batches of this size.
APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS = int(os.environ.get("APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS", "2"))
APPOINTMENT_WAITLIST_RECENT_OFFER_DAYS = int(os.environ.get("APPOINTMENT_WAITLIST_RECENT_OFFER_DAYS", "7"))
APPOINTMENT_WAITLIST_BATCH = int(os.environ.get("APPOINTMENT_WAITLIST_BATCH", "3"))

# --- The pre-visit packet (packets/) --------------------------------------------------------
# Fernet keys (cryptography), comma-separated, newest first: the first encrypts, every one
# decrypts, so a new key goes in front and the old one leaves after `rotate_packet_keys`.
# Without DEBUG there is no default (an error under `check --deploy`, packets/checks.py).
PACKET_ENCRYPTION_KEYS = env_list("PACKET_ENCRYPTION_KEYS")
if not PACKET_ENCRYPTION_KEYS and DEBUG:
    # Development only, like SECRET_KEY's default: a fixed, public key.
    PACKET_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS1pbnNlY3VyZS1rZXktLS0="]
# The patient's images, encrypted, outside every served folder (static files are served from
# STATIC_ROOT only; the site serves no media folder).
PACKET_FILES_DIR = Path(os.environ.get("PACKET_FILES_DIR", BASE_DIR / "var" / "packet-files"))
# Answers and images are deleted this many days after the visit, or after staff mark them
# entered into the practice's records, whichever comes first (purge_packets, daily).
PACKET_RETENTION_DAYS = int(os.environ.get("PACKET_RETENTION_DAYS", "30"))
# An upload larger than this is refused before it is decoded.
PACKET_UPLOAD_MAX_BYTES = int(os.environ.get("PACKET_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# --- Security headers -------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A proxy in front also needs TRUSTED_PROXY_COUNT (error under `check --deploy`, checks.py).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preload is a one-way door (leaving browsers' built-in lists takes months): off until the
# practice opts in at the end of deploy/README.md's staged HSTS, hence Django's reminder silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS += ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "clinic_site.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- Logging: one JSON object a line on stdout ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django attaches the request object to some records; its repr holds the
            # method and path only, never the body, but leave it out altogether.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        }
    },
    # The patient's link in a logged path (a 400 or 410 on it) shows as /appointments/visit/….
    "filters": {"visit_links": {"()": "appointments.link_logging.RedactVisitLinks"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": sys.stdout,
            "formatter": "json",
            "filters": ["visit_links"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        # At DEBUG the template engine logs each missing variable with a repr of the whole
        # context: the patient's form answers and the CSRF token. Never below INFO.
        "django.template": {"level": "INFO"},
    },
}
