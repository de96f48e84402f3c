import datetime
import functools
import os
import subprocess
import uuid

import hypothesis
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

pytest_plugins = []

# Two Hypothesis profiles. "suite" (make test, CI): a fixed, modest set of examples, the same on
# every run, so the suite's answer and time do not depend on the draw. "fuzz" (make fuzz): many
# random examples; the Makefile picks and prints the seed, so a failure can be replayed with
# `--hypothesis-seed`.
hypothesis.settings.register_profile("suite", max_examples=60, derandomize=True, database=None)
hypothesis.settings.register_profile("fuzz", max_examples=2000)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def share_the_pinned_clock():
    """Under Debian's faketime (make test-any-hour) every process the tests start keeps the test
    process's clock, also those given an environment of their own (gunicorn, manage.py, the
    deploy scripts): else a server would judge the tests' "next Monday" by the real date.
    faketime passes the clock as an offset in these variables (Go programs, Caddy, ignore it)."""
    shared = {name: os.environ[name] for name in ("LD_PRELOAD", "FAKETIME", "FAKETIME_SHARED") if name in os.environ}
    if "FAKETIME" not in shared:
        return
    popen_init = subprocess.Popen.__init__

    @functools.wraps(popen_init)
    def init(self, *args, env=None, **kwargs):
        # KEEP_REAL_CLOCK: a process whose test needs no date and that libfaketime disturbs
        # (gunicorn's arbiter reloading its workers, tests/deploy/test_reload.py).
        if env is not None and not env.get("KEEP_REAL_CLOCK"):
            env = {**env, **shared}
        popen_init(self, *args, env=env, **kwargs)

    subprocess.Popen.__init__ = init


share_the_pinned_clock()


# Tests that start servers (a live-server thread, gunicorn, Caddy) or drive the browser: CI runs
# them once, in its PostgreSQL pass, and the rest in both passes (`make test` runs everything).
LIVE_FIXTURES = {"live_server", "live_database", "start_gunicorn", "start_caddy"}


def pytest_itemcollected(item):
    if LIVE_FIXTURES.intersection(item.fixturenames):
        item.add_marker("live")
    if "deploy" in item.path.parts:
        item.add_marker("deploy")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL (CI's second pass). On another database they are
    deselected, and the run says so, rather than counted as passed or skipped."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if not deselected:
        return
    config.hook.pytest_deselected(items=deselected)
    items[:] = [item for item in items if not item.get_closest_marker("postgres")]
    line = f"{len(deselected)} PostgreSQL-only test(s) deselected: DATABASE_URL is not PostgreSQL."
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(line)
    else:
        print(line)


@pytest.fixture(autouse=True, scope="session")
def _test_teardown_may_empty_the_access_record():
    """A transactional test ends by emptying every table with TRUNCATE (`flush`), which the
    access record's trigger refuses on PostgreSQL (staff/models.py): the teardown alone may."""
    import pgtrigger
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        with pgtrigger.ignore("staff.AccessRecord:no_truncate"):
            return original(self)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def _packet_files_in_tmp(settings, tmp_path):
    """Each test's packet photos in its own folder, never the checkout's var/."""
    settings.PACKET_FILES_DIR = tmp_path / "packet-files"


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Rate-limit counters and stored pages never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache(settings):
    """The public page cache on, over a fresh local-memory cache (production uses Redis)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    return settings


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF checks as a browser would meet them."""
    return Client(enforce_csrf_checks=True)


def public_paths():
    """Every public page a patient can reach, English and Spanish: the checks that apply to
    all pages (headers, other origins, error pages) walk this list."""
    from articles.models import Article
    from locations.models import Location
    from notices.models import Notice

    paths = ["/", "/privacy/", "/articles/", "/locations/", "/appointments/request/"]
    # English paths whatever language an earlier request left active in this thread.
    with translation.override("en"):
        paths += [office.get_absolute_url() for office in Location.objects.all()]
        paths += [article.get_absolute_url() for article in Article.objects.published()]
        paths += ["/notices/", *(notice.get_absolute_url() for notice in Notice.objects.all())]
        paths += ["/notices/language-assistance/versions/1/"]
    return paths + ["/es" + path for path in paths]


@pytest.fixture
def smtp_port(settings):
    """Django set up to send through a real SMTP server on a free local port; the test starts
    (or, to see an outage, does not start) the server there."""
    from tests.live import free_port

    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return port


def staff_login(client, user):
    """Sign `user` in as if they had given their password and their second factor (a code from
    a backup-code device), which every admin page asks for (staff/second_factor.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.get_or_create(user=user, name="Backup codes")[0]
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- Shared by every area: the offices, the clock, staff, e-mail ---------------------------


@pytest.fixture
def medical_center(db):
    from locations.models import Location

    return Location.objects.get(slug="medical-center-drive")


@pytest.fixture
def dean_martin(db):
    from locations.models import Location

    return Location.objects.get(slug="dean-martin")


def clinic_time(year, month, day, hour=0, minute=0):
    """A wall-clock moment in El Paso (settings.TIME_ZONE)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def travel_to(moment):
    """Freeze the clock at `moment` (see `clinic_time`).

    Converted to UTC first: given a ZoneInfo-aware moment, time-machine would also switch the
    process's TZ to that zone, hiding exactly the bugs the process_time_zone tests look for.
    """
    return time_machine.travel(moment.astimezone(datetime.UTC), tick=False)


@pytest.fixture
def front_desk_client(client, db):
    """Signed in as "frontdesk", of the Front desk group."""
    from tests.factories import StaffFactory

    staff_login(client, StaffFactory(username="frontdesk", groups=["Front desk"]))
    return client


@pytest.fixture
def editor_client(client, db):
    """Signed in as "editor", of the Editors group."""
    from tests.factories import StaffFactory

    staff_login(client, StaffFactory(username="editor", groups=["Editors"]))
    return client


@pytest.fixture
def smtp_server(smtp_port):
    """A real SMTP server on `smtp_port`, where Django sends; the fixture is its inbox."""
    from tests.smtp import start_smtp_server

    controller, inbox = start_smtp_server(smtp_port)
    yield inbox
    controller.stop()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, signed in past the second factor as well."""
    return staff_login(Client(), admin_user)


def run_worker():
    """The real task worker (`manage.py db_worker`, which sends every e-mail) in this process,
    against the test database: it runs every task that is due, then exits. Call it after the
    on-commit callbacks that queue the tasks have run.

    The worker calls close_old_connections() between tasks, as Django does after each request.
    Inside a test's transaction that would drop the connection (and the test's data with it) on
    PostgreSQL, since autocommit is off there; Django's test client disconnects that call for
    the same reason. So for the run, the connection counts as in its normal state and not aged."""
    from django.core.management import call_command
    from django.db import connection

    saved = connection.settings_dict["AUTOCOMMIT"], connection.close_at
    connection.settings_dict["AUTOCOMMIT"], connection.close_at = connection.get_autocommit(), None
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        connection.settings_dict["AUTOCOMMIT"], connection.close_at = saved
