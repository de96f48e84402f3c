"""The real TLS proxy in front: Debian's Caddy running the shipped deploy/Caddyfile (templated
only through its environment: address, ports, `tls internal`) before gunicorn with the settings
of deploy/env.example, all on loopback.

What goes wrong behind a proxy, checked here: cookies without Secure, redirect loops, every
patient sharing the proxy's address in the rate limit or the lockout, a client choosing its
own address with X-Forwarded-For, query strings in the access log, a body limit that refuses
the packet's photos or lets a slow phone hold a gunicorn worker.
"""

import contextlib
import gzip
import http.client
import io
import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from PIL import Image

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
from tests.packets.test_pages_fixtures import STEP_ANSWERS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = AppointmentRequest._meta.db_table
RATE_LIMIT = 3
LOCKOUT_AFTER = 3
# Two patients' machines as Caddy sees them: it listens on 127.0.0.1, any 127/8 address connects.
PATIENT_A, PATIENT_B = "127.0.0.3", "127.0.0.4"


@contextlib.contextmanager
def proxied_site(live_database, work, workers=2, gunicorn_args=(), **overrides):
    """gunicorn (deploy/env.example's settings) behind Caddy on loopback; yields Caddy."""
    prefix = f"proxy_{uuid.uuid4().hex[:8]}"
    caddy = CaddyServer([], work)  # ports first: the site's origin goes into Django's settings
    settings = deployed_settings(
        ALLOWED_HOSTS=caddy.host,
        CSRF_TRUSTED_ORIGINS=caddy.base_url,
        SITE_URL=caddy.base_url,
        REDIS_URL=redis_url(),
        CACHE_KEY_PREFIX=prefix,
        # env.example's /var/lib/clinic-packets is the server's; the packets' photos go here.
        PACKET_FILES_DIR=str(work / "packet-files"),
        **overrides,
    )
    gunicorn = GunicornServer(
        production_env(DATABASE_URL=live_database.url(), **settings), workers, log_dir=work, extra_args=gunicorn_args
    )
    gunicorn.start()
    caddy.env["UPSTREAMS"] = f"127.0.0.1:{gunicorn.port}"
    try:
        caddy.start()
        yield caddy
    finally:
        caddy.stop()
        gunicorn.stop()
        delete_redis_keys(redis_url(), prefix)


@pytest.fixture(scope="module")
def deployment(live_database, tmp_path_factory):
    """gunicorn (two workers, deploy/env.example's settings) behind Caddy, for the whole module."""
    with proxied_site(
        live_database,
        tmp_path_factory.mktemp("deploy"),
        APPOINTMENT_RATE_LIMIT=f"{RATE_LIMIT}/h",
        AXES_FAILURE_LIMIT=LOCKOUT_AFTER,
    ) as caddy:
        yield caddy


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


def declare_a_body(deployment, path, length):
    """Only the headers of a POST whose body says it is `length` bytes: the answer comes from the
    declared size, and a client still writing the body would meet the server's close as a TLS
    error instead of reading the answer (a race, not the behaviour)."""
    connection = http.client.HTTPSConnection(
        deployment.host, deployment.https_port, context=trusting_only(deployment.ca_file), timeout=30
    )
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "multipart/form-data; boundary=declared")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode(errors="replace")
    finally:
        connection.close()


@pytest.mark.parametrize("path", [FORM_URL, "/admin/login/", "/es/appointments/prepare/any-token/"])
def test_a_request_body_over_the_limit_is_refused_by_the_proxy(deployment, path):
    # Under Django's own limit (2.5 MB), over the Caddyfile's (1 MB) everywhere but the packet's
    # steps (its landing page, without a step number, is not one).
    status, content_type, text = declare_a_body(deployment, path, 1_500_000)

    assert (status, text) == (413, "Request too large.")
    assert not content_type.startswith("text/html")


# --- the packet's photos (packets/views.py: up to three of PACKET_UPLOAD_MAX_BYTES on step 2) ---


def booked_packet_link(live_database, language):
    """A visit booked in the live database and its packet link's path; returns (request id, path)."""
    out = live_database.manage(
        "shell",
        "-c",
        "import json; from locations.models import Location; from packets import links; "
        "from tests.packets.staff_packets import booked_request; "
        "office = Location.objects.taking_requests().order_by('display_order', 'name').first(); "
        f"booked = booked_request(office, callback_language='{language}'); "
        "print(json.dumps([booked.pk, links.link_for(booked)]))",
    )
    request_id, link = json.loads(out.strip().splitlines()[-1])
    return request_id, urllib.parse.urlsplit(link).path


def multipart(fields, files):
    """A browser's multipart/form-data body: `files` maps a field to (file name, JPEG bytes)."""
    boundary = f"----clinic{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_body(browser, path, body, content_type):
    request = urllib.request.Request(
        browser.base_url + path,
        data=body,
        headers={"Content-Type": content_type, "Origin": browser.base_url},
        method="POST",
    )
    try:
        with browser.opener.open(request, timeout=browser.timeout) as response:
            return response.status, response.headers.get("Location", ""), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location", ""), error.read()


def step_two_of(browser, packet_path):
    """Step 1 saved through the proxy (steps are taken in order); step 2's path and CSRF token."""
    first, second = f"{packet_path}1/", f"{packet_path}2/"
    token = browser.csrf_token(first)
    saved = browser.post(
        first, {**STEP_ANSWERS[1], "move": "next", "csrfmiddlewaretoken": token}, headers={"Origin": browser.base_url}
    )
    assert (saved.status, saved.location) == (303, second)
    return second, browser.csrf_token(second)


def stored_photos(live_database, request_id):
    rows = live_database.execute(
        "SELECT image.key FROM packets_packetimage image JOIN packets_packet packet ON packet.id = image.packet_id "
        "WHERE packet.appointment_request_id = %s",
        [request_id],
    )
    return sorted(key for (key,) in rows)


@pytest.fixture(scope="module")
def phone_photo():
    """A real JPEG of about 9 MB, as a phone's camera makes (noise, so it hardly compresses),
    under PACKET_UPLOAD_MAX_BYTES (10 MiB) and nine times the 1 MB limit elsewhere."""
    size = (2240, 1680)
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "JPEG", quality=95, subsampling=0)
    return out.getvalue()


def test_a_phone_photo_of_9_mb_is_received_on_the_packets_step_through_the_proxy(
    deployment, live_database, phone_photo
):
    assert 8_000_000 < len(phone_photo) < 10 * 1024 * 1024
    request_id, packet_path = booked_packet_link(live_database, "en")
    browser = deployment.client()
    step_two, token = step_two_of(browser, packet_path)
    body, content_type = multipart(
        {**STEP_ANSWERS[2], "move": "next", "csrfmiddlewaretoken": token}, {"card_front": ("IMG_2041.jpg", phone_photo)}
    )

    status, location, page = post_body(browser, step_two, body, content_type)

    assert (status, location) == (303, f"{packet_path}3/"), page[:500]
    assert stored_photos(live_database, request_id) == ["card_front"]


def test_a_packet_step_declaring_a_body_far_too_large_gets_the_packets_own_page(deployment, live_database, tmp_path):
    _request_id, packet_path = booked_packet_link(live_database, "es")
    assert packet_path.startswith("/es/appointments/prepare/")
    too_large = tmp_path / "three-raw-photos"
    with too_large.open("wb") as out:
        out.truncate(40_000_000)

    # Over what step 2 takes (three 10 MiB photos and 512 KiB) and over Caddy's 32 MB cap: Caddy
    # passes it on unbuffered and Django answers from the header, over HTTP/2 as a phone's
    # browser speaks it (curl: the standard library has no HTTP/2), cutting the upload short.
    result = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--http2",
            "--cacert",
            str(deployment.ca_file),
            "--data-binary",
            f"@{too_large}",
            "--header",
            "Content-Type: multipart/form-data; boundary=declared",
            "--write-out",
            "\n%{http_version} %{http_code} %{content_type}",
            f"{deployment.base_url}{packet_path}2/",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    page, _, status_line = result.stdout.rpartition("\n")

    assert status_line.split(" ", 2) == ["2", "413", "text/html; charset=utf-8"], (result.stderr, status_line)
    assert '<html lang="es"' in page
    assert "No pudimos recibir este paso" in page and "10,0 MB" in page.replace("\xa0", " ")


def send_slowly(site, path, body, content_type, cookie, seconds):
    """POST `body` in pieces spread over `seconds`, as a phone on a weak signal does."""
    connection = http.client.HTTPSConnection(
        site.host, site.https_port, context=trusting_only(site.ca_file), timeout=30
    )
    try:
        connection.putrequest("POST", path)
        for name, value in {
            "Content-Type": content_type,
            "Content-Length": str(len(body)),
            "Origin": site.base_url,
            "Cookie": cookie,
        }.items():
            connection.putheader(name, value)
        connection.endheaders()
        pieces = 16
        step = -(-len(body) // pieces)
        for start in range(0, len(body), step):
            connection.send(body[start : start + step])
            time.sleep(seconds / pieces)
        response = connection.getresponse()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def test_a_slow_phone_upload_is_buffered_by_the_proxy_and_holds_no_worker(live_database, tmp_path):
    # One sync worker that gunicorn kills after 2 s on a request (its timeout is 30 s; the
    # command line overrides gunicorn.conf.py), and uploads taking 3.5 s.
    with proxied_site(live_database, tmp_path, workers=1, gunicorn_args=["--timeout", "2"]) as site:
        request_id, packet_path = booked_packet_link(live_database, "en")
        browser = site.client()
        step_two, token = step_two_of(browser, packet_path)
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        photo = io.BytesIO()
        Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3)).save(photo, "JPEG", quality=90)
        body, content_type = multipart(
            {**STEP_ANSWERS[2], "move": "next", "csrfmiddlewaretoken": token},
            {"photo_id": ("IMG_2042.jpg", photo.getvalue())},
        )

        started = time.monotonic()
        packet = send_slowly(site, step_two, body, content_type, cookie, seconds=3.5)
        assert time.monotonic() - started >= 3.5
        # The same slowness elsewhere reaches gunicorn as it comes: its worker is killed mid-body.
        form = send_slowly(site, FORM_URL, b"x" * 200_000, "application/x-www-form-urlencoded", cookie, seconds=3.5)

    assert packet == (303, f"{packet_path}3/")
    assert stored_photos(live_database, request_id) == ["photo_id"]
    assert form[0] == 502


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
