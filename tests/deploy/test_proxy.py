"""The real TLS proxy in front: Debian's Caddy running the shipped deploy/Caddyfile (templated
only through its environment: address, ports, `tls internal`) before gunicorn with the settings
of deploy/env.example, all on loopback.

What goes wrong behind a proxy, checked here: cookies without Secure, redirect loops, every
patient sharing the proxy's address in the rate limit or the lockout, a client choosing its
own address with X-Forwarded-For, query strings in the access log.
"""

import gzip
import http.client
import json
import ssl
import urllib.error
import urllib.request
import uuid

import pytest

from appointments.models import AppointmentRequest
from tests.hardening.conftest import FORM_URL, RECEIVED_URL, valid_submission
from tests.live import (
    CaddyServer,
    GunicornServer,
    delete_redis_keys,
    deployed_settings,
    production_env,
    redis_url,
    trusting_only,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = AppointmentRequest._meta.db_table
RATE_LIMIT = 3
LOCKOUT_AFTER = 3
# Two patients' machines as Caddy sees them: it listens on 127.0.0.1, any 127/8 address connects.
PATIENT_A, PATIENT_B = "127.0.0.3", "127.0.0.4"


@pytest.fixture(scope="module")
def deployment(live_database, tmp_path_factory):
    """gunicorn (two workers, deploy/env.example's settings) behind Caddy, for the whole module."""
    work = tmp_path_factory.mktemp("deploy")
    prefix = f"proxy_{uuid.uuid4().hex[:8]}"
    caddy = CaddyServer([], work)  # ports first: the site's origin goes into Django's settings
    settings = deployed_settings(
        ALLOWED_HOSTS=caddy.host,
        CSRF_TRUSTED_ORIGINS=caddy.base_url,
        SITE_URL=caddy.base_url,
        REDIS_URL=redis_url(),
        CACHE_KEY_PREFIX=prefix,
        APPOINTMENT_RATE_LIMIT=f"{RATE_LIMIT}/h",
        AXES_FAILURE_LIMIT=LOCKOUT_AFTER,
    )
    gunicorn = GunicornServer(production_env(DATABASE_URL=live_database.url(), **settings), 2, log_dir=work)
    gunicorn.start()
    caddy.env["UPSTREAMS"] = f"127.0.0.1:{gunicorn.port}"
    try:
        caddy.start()
        yield caddy
    finally:
        caddy.stop()
        gunicorn.stop()
        delete_redis_keys(redis_url(), prefix)


@pytest.fixture
def live_office_pk(live_database, office):
    [(pk,)] = live_database.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    return pk


def post_form(patient, data, **headers):
    """Post the request form as a browser on the site's origin does (Origin header included)."""
    token = patient.csrf_token(FORM_URL)
    return patient.post(
        FORM_URL, {**data, "csrfmiddlewaretoken": token}, headers={"Origin": patient.base_url, **headers}
    )


def test_home_page_over_https_is_compressed_with_hsts(deployment):
    response = deployment.client().get("/", headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.body).decode()
    # deploy/env.example's first stage: a short max-age, no preload (deploy/README.md).
    assert response.headers["strict-transport-security"] == "max-age=300; includeSubDomains"


def test_the_certificate_is_checked_and_caddys_ca_is_not_trusted_by_default(deployment):
    # The client trusts only the CA the test was given; without it the handshake fails.
    connection = http.client.HTTPSConnection(
        deployment.host, deployment.https_port, context=ssl.create_default_context()
    )
    with pytest.raises(ssl.SSLCertVerificationError):
        connection.request("GET", "/")
    connection.close()


def test_a_full_appointment_request_over_https_with_secure_cookies(
    deployment, live_database, office, request_day, live_office_pk
):
    patient = deployment.client(source_address="127.0.0.1")
    last_name = f"Proxy-{uuid.uuid4().hex[:8]}"

    sent = post_form(patient, valid_submission(office, request_day, location=live_office_pk, last_name=last_name))

    assert (sent.status, sent.location) == (303, RECEIVED_URL)
    assert patient.get(RECEIVED_URL).status == 200
    [(stored,)] = live_database.execute(f'SELECT count(*) FROM "{TABLE}" WHERE last_name = %s', [last_name])
    assert stored == 1
    cookies = {cookie.name: cookie for cookie in patient.cookies}
    assert {"csrftoken", "sessionid"} <= cookies.keys()
    assert all(cookie.secure for cookie in cookies.values()), [c.name for c in cookies.values() if not c.secure]


def test_plain_http_redirects_to_https_once(deployment):
    browser = deployment.client()
    plain = type(browser)(deployment.http_url).get("/articles/?page=1")

    assert plain.status == 308
    assert plain.location == f"{deployment.base_url}/articles/?page=1"
    assert browser.get("/articles/?page=1").status == 200
    # A client claiming it came over plain HTTP changes nothing: Caddy sets the scheme itself.
    assert browser.get("/articles/", headers={"X-Forwarded-Proto": "http"}).status == 200


def test_rate_limit_counts_each_client_address_and_ignores_a_sent_x_forwarded_for(
    deployment, live_database, office, request_day, live_office_pk
):
    run = uuid.uuid4().hex[:8]
    patient_a = deployment.client(source_address=PATIENT_A)
    patient_b = deployment.client(source_address=PATIENT_B)

    def send(patient, number, **headers):
        data = valid_submission(office, request_day, location=live_office_pk, last_name=f"Limit-{run}-{number}")
        return post_form(patient, data, **headers).status

    statuses_a = [send(patient_a, number) for number in range(RATE_LIMIT + 1)]
    # A new address in X-Forwarded-For each time would be a new bucket if the site believed it.
    spoofed = [send(patient_a, f"x{number}", **{"X-Forwarded-For": f"203.0.113.{number}"}) for number in range(3)]
    statuses_b = [send(patient_b, f"b{number}") for number in range(RATE_LIMIT)]

    assert statuses_a == [303] * RATE_LIMIT + [429]
    assert spoofed == [429] * 3
    assert statuses_b == [303] * RATE_LIMIT
    [(stored,)] = live_database.execute(f'SELECT count(*) FROM "{TABLE}" WHERE last_name LIKE %s', [f"Limit-{run}-%"])
    assert stored == 2 * RATE_LIMIT


def test_admin_lockout_counts_each_client_address_and_ignores_a_sent_x_forwarded_for(deployment, live_database):
    username = f"staff-{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    live_database.manage(
        "createsuperuser",
        "--no-input",
        f"--username={username}",
        f"--email={username}@clinic.test",
        env=production_env(DATABASE_URL=live_database.url(), DJANGO_SUPERUSER_PASSWORD=password),
    )
    login = "/admin/login/"

    def attempt(source, secret, **headers):
        browser = deployment.client(source_address=source)
        token = browser.csrf_token(login)
        data = {"username": username, "password": secret, "csrfmiddlewaretoken": token, "next": "/admin/"}
        return browser.post(login, data, headers={"Origin": browser.base_url, **headers})

    failures = [attempt(PATIENT_A, "wrong").status for _ in range(LOCKOUT_AFTER)]
    locked = attempt(PATIENT_A, password)
    spoofed = attempt(PATIENT_A, password, **{"X-Forwarded-For": "198.51.100.7"})
    elsewhere = attempt(PATIENT_B, "wrong")

    # The login form again with its error, until the last allowed failure locks the account here.
    assert failures == [200] * (LOCKOUT_AFTER - 1) + [429]
    assert (locked.status, spoofed.status) == (429, 429)
    assert "Sign-in locked" in locked.text
    assert elsewhere.status == 200 and "Sign-in locked" not in elsewhere.text


def test_access_log_has_no_query_string_or_referer(deployment):
    marker = uuid.uuid4().hex
    browser = deployment.client()
    assert browser.get(f"/articles/?q=Zyxwv{marker}", headers={"Referer": f"https://elsewhere.test/?q={marker}"}).status
    # Redirects repeat the query in their Location (security review, finding 3): the site's own
    # (a missing slash, as a search sent on) and Caddy's HTTP-to-HTTPS one.
    moved = browser.get(f"/articles?q=Moved{marker}")
    upgraded = type(browser)(deployment.http_url).get(f"/articles/?q=Plain{marker}")
    assert marker in moved.location and marker in upgraded.location, (moved.status, upgraded.status)

    entries = [entry for entry in deployment.access_log() if entry["request"]["uri"].startswith("/articles")]
    assert len(entries) >= 3, "the requests should be in Caddy's access log"
    assert marker not in deployment.log_path.read_text()
    assert {entry["request"]["uri"] for entry in entries} == {"/articles/", "/articles"}, [
        (e["logger"], e["request"]["uri"]) for e in entries
    ]
    assert {entry["status"] for entry in entries} >= {200, 301, 308}


def test_a_request_body_over_the_limit_is_refused_by_the_proxy(deployment):
    # Under Django's own limit (2.5 MB), over the Caddyfile's (1 MB). Only the headers are sent:
    # Caddy answers from the declared size and closes, and a client still writing the body would
    # meet that close as a TLS error instead of reading the 413 (a race, not the behaviour).
    connection = http.client.HTTPSConnection(
        deployment.host, deployment.https_port, context=trusting_only(deployment.ca_file)
    )
    connection.putrequest("POST", FORM_URL)
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", "1500000")
    connection.endheaders()
    response = connection.getresponse()
    connection.close()

    assert response.status == 413


def test_two_app_servers_share_the_patients_and_one_can_stop(live_database, start_gunicorn, start_caddy, shared_cache):
    # One deployment: the same secret, database and Redis (deploy/README.md, "More than one server").
    settings = deployed_settings(ALLOWED_HOSTS="127.0.0.1", SECRET_KEY=uuid.uuid4().hex * 2, **shared_cache)
    first, second = (start_gunicorn(live_database.url(), workers=1, **settings) for _ in range(2))
    proxy = start_caddy([first.port, second.port])
    browser = proxy.client()
    marker = uuid.uuid4().hex

    # Each server logs the pages it did not find: both get their share.
    assert [browser.get(f"/no-such-page-{marker}/").status for _ in range(6)] == [404] * 6
    assert marker in first.log_path.read_text() and marker in second.log_path.read_text()

    second.stop()
    assert [browser.get("/").status for _ in range(20)] == [200] * 20


def test_a_staff_passkey_is_made_and_used_over_https_through_the_proxy(deployment, live_database):
    """Behind Caddy the browser's origin is https://<SITE_URL's host>, while gunicorn hears plain
    HTTP: the passkey's relying party and origin come from SITE_URL, and the JSON ceremonies pass
    CSRF's origin check over the proxy. A software passkey signs what the browser would."""
    from tests.hardening.conftest import create_live_superuser
    from tests.staff.authenticator import SoftwarePasskey

    password = uuid.uuid4().hex
    username = create_live_superuser(live_database, password, prefix="passkey")
    browser = deployment.client()
    origin = {"Origin": browser.base_url}

    def sign_in_with_password():
        token = browser.csrf_token("/admin/login/")
        data = {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"}
        assert browser.post("/admin/login/", data, headers=origin).status == 302

    def ceremony(path, body=None):
        token = next(cookie.value for cookie in browser.cookies if cookie.name == "csrftoken")
        headers = {**origin, "X-CSRFToken": token, "Content-Type": "application/json"}
        request = urllib.request.Request(
            browser.base_url + path, data=json.dumps(body or {}).encode(), headers=headers, method="POST"
        )
        try:
            with browser.opener.open(request, timeout=browser.timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read())

    # A backup code for the code step: gunicorn's clock under faketime (make test-any-hour)
    # started later than this process's, so an app's code computed here could be off by steps.
    backup_code = uuid.uuid4().hex[:10]
    live_database.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "from django_otp.plugins.otp_static.models import StaticDevice; "
        f"device = StaticDevice.objects.create(user=User.objects.get(username='{username}'), name='Backup codes'); "
        f"device.token_set.create(token='{backup_code}')",
    )
    sign_in_with_password()
    token = browser.csrf_token("/admin/second-factor/")
    code_step = {"code": backup_code, "csrfmiddlewaretoken": token, "next": "/admin/"}
    assert browser.post("/admin/second-factor/", code_step, headers=origin).status == 302

    # A named passkey, made through the proxy.
    page = "/admin/second-factor/passkeys/"
    token = browser.csrf_token(page)
    assert browser.post(page, {"name": "Front desk PC", "csrfmiddlewaretoken": token}, headers=origin).status == 302
    status, options = ceremony("/admin/webauthn/registration/begin/")
    assert status == 200
    assert options["rp"]["id"] == deployment.host
    passkey = SoftwarePasskey()
    status, made = ceremony(
        "/admin/webauthn/registration/complete/",
        passkey.attestation(options["challenge"], deployment.host, deployment.base_url),
    )
    assert status == 200, made
    assert "Front desk PC" in browser.get(page).text

    # Signed out, then in again with the password and the passkey instead of a code.
    token = browser.csrf_token(page)
    browser.post("/admin/logout/", {"csrfmiddlewaretoken": token}, headers=origin)
    sign_in_with_password()
    status, options = ceremony("/admin/webauthn/authentication/begin/")
    assert (status, options["rpId"]) == (200, deployment.host)
    # An answer signed at the plain-HTTP address is refused...
    status, _ = ceremony(
        "/admin/webauthn/authentication/complete/",
        passkey.assertion(options["challenge"], deployment.host, deployment.http_url),
    )
    assert status == 422
    # ...and the one the browser signs at the public address is let in.
    status, options = ceremony("/admin/webauthn/authentication/begin/")
    status, done = ceremony(
        "/admin/webauthn/authentication/complete/",
        passkey.assertion(options["challenge"], deployment.host, deployment.base_url),
    )
    assert status == 200, done
    assert browser.get("/admin/appointments/appointmentrequest/").status == 200
    assert all(cookie.secure for cookie in browser.cookies)
